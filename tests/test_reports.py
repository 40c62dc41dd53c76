"""Reports, charts and the dashboard from a records database filled by scripted sessions of every mode and call
type (tests/records_sample.py): the figures the scripts imply, the same numbers in the terminal, the CSV and the
Telegram text, charts that are real pictures, and a dashboard a browser opens that shows no personal data."""
from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from PIL import Image

from bot.reports import Words, sections, telegram_text
from engine.record_views import VIEWS
from engine.records import Records
from engine.report import Period, build_report

from .conftest import PROJECT, run_main
from .records_sample import CUSTOMER_SESSIONS, TRAINEE_SESSIONS, TRAINEES, build

pytestmark = pytest.mark.xdist_group("records_sample")  # one worker builds the database once
MARCH = ("--since", "2026-03-01", "--until", "2026-03-31")
ARTIFACTS = PROJECT / "tests" / "artifacts"


@pytest.fixture(scope="module")
def records_db(tmp_path_factory, content) -> Path:
    return build(tmp_path_factory.mktemp("records") / "records.sqlite", content)


@pytest.fixture(scope="module")
def march(records_db, content):
    records = Records(records_db)
    try:
        return build_report(records, content, Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31)))
    finally:
        records.close()


def operator_lines(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute("select text from turns where role = 'operator'")]


def test_the_report_counts_what_the_scripted_sessions_did(march, records_db) -> None:
    assert march.sessions == {"trainee": len(TRAINEE_SESSIONS), "customer": len(CUSTOMER_SESSIONS)}
    per_trainee = {row.trainee: row for row in march.trainees}
    assert list(per_trainee) == list(TRAINEES)
    for trainee, row in per_trainee.items():
        played = [kind for user, _, kind in TRAINEE_SESSIONS if user == trainee]
        assert row.sessions == len(played)
        assert 0 < row.pass_rate < 1  # each of them failed once and passed once at least
    assert per_trainee["101"].trend > 0  # two bad calls, then the same two played well
    assert march.team.sessions == len(TRAINEE_SESSIONS)
    # failures come with examples, and where the scorecard quoted the trainee the example is his own words
    lines = operator_lines(records_db)
    assert march.failures and sum(1 for failure in march.failures if failure.example) > len(march.failures) // 2
    assert [f for f in march.failures if any(f.example in line for line in lines)]
    # how far calls get: every trainee call starts, and a later stage never has more calls than an earlier one
    for call_type, stages in march.funnels.items():
        counts = [count for _, count in stages]
        assert counts == sorted(counts, reverse=True), call_type
    assert march.funnels["inbound_upsell"][0][1] == sum(
        1 for _, scenario, _ in TRAINEE_SESSIONS if scenario not in ("outbound_viju_agrees", "retention_price_stays"))
    # customer mode, as the scripts went
    assert march.conversations == len(CUSTOMER_SESSIONS)
    assert dict(march.topics)["slow_internet"] == 2  # Egor twice: once agreeing, once asking for a person
    assert dict(march.handoffs) == {"operator": 1, "termination": 1}
    assert dict(march.opt_outs) == {"sms_viber": 1, "email": 1}
    by_product = {row.key: row for row in march.offers_by_product}
    assert (by_product["speed_boost"].shown, by_product["speed_boost"].agreed, by_product["speed_boost"].orders) \
        == (2, 1, 1)
    assert {row.key for row in march.offers_by_bridge} == {"slow_internet", "virus", "remote_control"}
    # retention: kept and not kept in customer mode, one WinBack consent
    assert march.outcomes["retention_mnp"]["customer"] == {"will_stay": 1, "will_not_stay": 1}
    assert march.winback_consents == 1
    objections = {intent: (met, overcome) for intent, met, overcome in march.objections}
    assert all(0 <= overcome <= met for met, overcome in objections.values()) and "objection_price" in objections


def test_a_period_and_a_call_type_narrow_the_report(records_db, content) -> None:
    records = Records(records_db)
    try:
        customers_only = build_report(records, content, Period(dt.date(2026, 3, 11), dt.date(2026, 3, 31)))
        retention = build_report(records, content, Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
                                 "retention_mnp")
        before = build_report(records, content, Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28)))
    finally:
        records.close()
    assert customers_only.sessions == {"customer": len(CUSTOMER_SESSIONS)} and not customers_only.trainees
    assert set(retention.outcomes) == {"retention_mnp"} and list(retention.funnels) == ["retention_mnp"]
    assert [row.trainee for row in retention.trainees] == ["103"]
    assert before.empty


def test_report_command_writes_tables_csv_and_charts_with_the_same_numbers(records_db, march, content,
                                                                           tmp_path) -> None:
    done = run_main("report", "--db", records_db, *MARCH, "--out", tmp_path)
    assert done.exit_code == 0, done.output
    words = Words(content)
    tables = sections(march, words)
    for section in tables:
        assert section.title.split(":")[0] in done.stdout
    stem = "report-all-2026-03-01-2026-03-31"
    with (tmp_path / f"{stem}.csv").open(encoding="utf-8") as source:
        written = list(csv.DictReader(source))
    # the CSV holds every cell of every table, and Telegram's text says each of them
    assert len(written) == sum(len(section.rows) * (len(section.columns) - 1) for section in tables)
    text = telegram_text(march, words)
    for cell in written:
        if cell["value"]:
            shown = f"{cell['column']}: {cell['value']}" if cell["column"] != cell["row"] else cell["value"]
            assert shown in text or cell["value"] in text, cell
    team = next(cell for cell in written if cell["section"] == "trainees" and cell["row"] == words.label("rep_team")
                and cell["column"] == words.label("rep_sessions"))
    assert team["value"] == str(len(TRAINEE_SESSIONS))
    charts = sorted(tmp_path.glob(f"{stem}-*.png"))
    assert [path.stem.rsplit("-", 1)[1] for path in charts] == sorted(
        ["days", "scores", "failures", "funnel", "offers", "outcomes"])
    for path in charts:
        with Image.open(path) as picture:
            assert picture.format == "PNG" and picture.width >= 700 and picture.height >= 300
            assert len(picture.getcolors(1 << 20) or []) > 50  # bars, labels and text, not a blank canvas


@pytest.mark.parametrize("args, says", [
    (("--since", "2026-13-01"), "ГГГГ-ММ-ДД"),
    (("--since", "2026-03-31", "--until", "2026-03-01"), "позже"),
    (("--call-type", "no_such_call"), "no_such_call"),
    (("--days", "0"), "от 1 до"),
])
def test_bad_report_input_is_one_polite_line(records_db, args, says) -> None:
    done = run_main("report", "--db", records_db, *args)
    assert done.exit_code == 2 and says in done.output and "Traceback" not in done.output


def test_a_missing_records_file_is_not_created(tmp_path) -> None:
    missing = tmp_path / "nothing.sqlite"
    for command in ("report", "dashboard"):
        done = run_main(command, "--db", missing)
        assert done.exit_code == 2 and str(missing) in done.output
    assert not missing.exists()


# -- the dashboard in a real browser ---------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _chromium(*args: str) -> str:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    assert browser, "chromium is needed for the dashboard test (./dev test installs it)"
    done = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           "--window-size=1280,1100", *args], capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture
def dashboard(records_db, tmp_path):
    port = _free_port()
    log = tmp_path / "dashboard.log"
    with log.open("wb") as errors:
        server = subprocess.Popen([sys.executable, "main.py", "dashboard", "--db", str(records_db), "--port",
                                   str(port)], cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=errors)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):  # up to a minute for a busy machine to start it
            if server.poll() is not None:
                pytest.fail(f"the dashboard stopped: {log.read_text(encoding='utf-8')[-2000:]}")
            try:
                if _status(f"{base}/-/versions.json") == 200:
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the dashboard did not answer")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_dashboard_shows_the_reports_and_hides_personal_data(dashboard, records_db, content) -> None:
    database = _chromium("--dump-dom", f"{dashboard}/records")
    for query in ("trainees", "failures", "funnel", "offers", "customer_mode", "outcomes", "retention"):
        assert content.label(f"dash_q_{query}") in database
    assert content.label("dash_h_queries") in database and content.label("dash_h_views") in database
    for view in VIEWS:  # each view listed by its Russian title, never by its SQL name
        assert f">{content.label(f'dash_v_{view}')}</a>" in database and f">{view}</a>" not in database
    trainees = _chromium("--dump-dom", f"{dashboard}/records/trainees?since=2026-03-01&until=2026-03-31")
    assert content.label("dash_q_trainees_about") in trainees
    for trainee in TRAINEES:
        assert f">{trainee}</td>" in trainees
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "dashboard-trainees.png"
    _chromium(f"--screenshot={shot}", f"{dashboard}/records/trainees?since=2026-03-01&until=2026-03-31")
    with Image.open(shot) as picture:
        assert picture.format == "PNG" and len(picture.getcolors(1 << 20) or []) > 20
    # the tables behind the views, SQL of one's own and the file itself are closed
    for path in ("/records/customers", "/records/turns", "/records/handoffs", "/records/sessions",
                 "/records?sql=select+*+from+customers", "/records.db"):
        assert _status(f"{dashboard}{path}") == 403, path
    # no customer's name, phone or passport in any view or report the dashboard serves
    with sqlite3.connect(records_db) as conn:
        views = [row[0] for row in conn.execute("select name from sqlite_master where type = 'view'")]
    secrets = [customer.last_name for customer in content.customers.values()] + \
              [customer.phone for customer in content.customers.values() if customer.phone]
    for name in views:
        with urllib.request.urlopen(f"{dashboard}/records/{name}.json?_shape=array&_size=max", timeout=30) as page:
            body = json.loads(page.read())
        assert body, name
        dumped = json.dumps(body, ensure_ascii=False)
        assert not [secret for secret in secrets if secret in dumped], name
