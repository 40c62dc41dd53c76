"""The console simulator driven by scripts, as a user or another program would: `main.py play --script --json`."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from engine.records import Records

from .conftest import PROJECT, run_main

SCRIPTS = Path(__file__).parent / "scripts"


def play(tmp_path: Path, *args: str) -> dict:
    db = tmp_path / "records.sqlite"
    done = run_main("play", "--json", "--db", db, *args)
    assert done.exit_code == 0, done.stderr
    assert "Traceback" not in done.stderr
    return json.loads(done.stdout)


def test_customer_mode_solves_first_then_sells_and_records_the_order(tmp_path: Path) -> None:
    result = play(tmp_path, "--mode", "customer", "--customer", "demo_egor",
                  "--script", str(SCRIPTS / "customer_demo_egor_agrees.txt"))
    path = result["path"]
    assert path[:3] == ["greeting", "identification", "issue"]
    assert path.index("issue") < path.index("bridge") < path.index("offer") < path.index("objection_handling")
    assert path[-2:] == ["closing", "ended"]
    offer, = result["offers"]
    assert offer["response"] == "agreed"
    assert offer["objections"] == 1
    assert result["orders"] == [offer["product"]]
    records = Records(tmp_path / "records.sqlite")
    order, = records.orders(result["session_id"])
    assert (order["product"], order["status"], order["customer_id"]) == (offer["product"], "new", "demo_egor")
    assert records.session(result["session_id"])["status"] == "finished"
    assert len(records.turns(result["session_id"])) == len(result["transcript"])


def test_customer_mode_offers_nothing_to_an_unidentified_customer(tmp_path: Path) -> None:
    script = tmp_path / "script.txt"
    script.write_text("не помню номер договора\nну правда не помню\n123\n", encoding="utf-8")
    result = play(tmp_path, "--mode", "customer", "--script", str(script))
    assert result["offers"] == []
    assert result["path"] == ["greeting", "identification", "closing", "ended"]


def test_trainee_mode_plays_the_customer_through_the_whole_call(tmp_path: Path) -> None:
    result = play(tmp_path, "--mode", "trainee", "--scenario", "slow_internet_speed_easy", "--seed", "3",
                  "--script", str(SCRIPTS / "trainee_slow_internet_good.txt"))
    assert result["path"] == ["greeting", "identification", "issue", "bridge", "offer", "objection_handling", "closing",
                              "ended"]
    assert result["responses"] == {"speed_boost": "agreed"}
    assert result["outcome"] == "agreed"
    client_lines = [line["text"] for line in result["transcript"] if line["role"] == "client"]
    assert "Елена Викторовна" in client_lines[0]
    assert len(client_lines) == 5


def test_a_hang_up_mid_offer_keeps_the_default_response(tmp_path: Path) -> None:
    script = tmp_path / "script.txt"
    lines = (SCRIPTS / "trainee_slow_internet_good.txt").read_text(encoding="utf-8").splitlines()[:3]
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = play(tmp_path, "--mode", "trainee", "--scenario", "slow_internet_speed_easy", "--seed", "3",
                  "--script", str(script))
    assert result["path"][-1] == "ended"
    assert result["responses"] == {"speed_boost": "not_offered"}


def test_the_interactive_console_tells_a_new_user_the_demo_customers_and_saves_on_eof(tmp_path: Path) -> None:
    db = tmp_path / "records.sqlite"
    done = run_main("play", "--db", db, input="")
    assert done.exit_code == 0 and "Traceback" not in done.stderr
    assert "352011070411" in done.stdout  # a demo contract to try
    session, = Records(db).sessions_of("console", "customer")
    assert session["status"] == "finished"  # EOF is a hang-up, and the conversation is saved


def test_an_unforeseen_failure_is_one_line_and_the_traceback_goes_to_the_log_masked(tmp_path: Path) -> None:
    import stat

    env = {**os.environ, "DB_PATH": str(tmp_path / "records.sqlite")}
    personal = tmp_path / "Журавлёв Егор 89123456789"  # personal data in a path end up in the error message
    done = subprocess.run([sys.executable, "main.py", "graph", "-o", str(personal / "graph.md")],
                          cwd=PROJECT, capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 1
    assert done.stderr.startswith("internal error: FileNotFoundError") and len(done.stderr.splitlines()) == 1
    log = tmp_path / "error.log"
    assert "Traceback" in log.read_text(encoding="utf-8")
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    for secret in ("Журавлёв", "Егор", "89123456789"):
        assert secret not in done.stderr and secret not in log.read_text(encoding="utf-8")
