"""The customer base: `python main.py customers import` validates every row, imports all or nothing, upserts by id;
the assistant then identifies imported customers and keeps the demo set for demo ids."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import Result

from engine.content.loader import Content
from engine.customers import CustomerBase, CustomerFileError, import_customers
from engine.records import Records

from .conftest import run_main

HEADER = ("id,contract,last_name,first_name,patronymic,gender,phone,role,services,options,payment,balance,"
          "financial_block,voluntary_blocks,marketing_opt_out,open_tickets,global_problems,history")
IVANOVA = ("c_ivanova,500100200300,Иванова,Мария,Петровна,f,8 (914) 555-00-01,owner,internet;tv,viju,advance,"
           "320.5,нет,,false,internet|2|repair,,antivirus|not_interested|2026-11-01T10:00:00+00:00")
PETROV = "c_petrov,500100200301,Петров,Иван,Ильич,m,,user,internet,,credit,0,1,,,,,"


def write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cli(*args: str) -> Result:
    return run_main(*args)


def test_a_csv_is_imported_into_the_nested_shape_and_again_changes_nothing(tmp_path: Path, content: Content) -> None:
    records = Records(tmp_path / "r.sqlite")
    source = write(tmp_path / "base.csv", HEADER, IVANOVA, PETROV)
    report = import_customers(source, content, records)
    assert report.ok and (report.read, report.written, report.new) == (2, 2, 2)
    ivanova = CustomerBase(content, records).get("c_ivanova")
    assert ivanova.phone == "79145550001"
    assert ivanova.profile.services == ["internet", "tv"] and ivanova.profile.options == ["viju"]
    assert (ivanova.profile.payment, ivanova.profile.balance, ivanova.profile.financial_block) == ("advance", 320.5,
                                                                                                   False)
    assert [(t.service, t.line, t.kind) for t in ivanova.open_tickets] == [("internet", 2, "repair")]
    assert [(p.product, p.response) for p in ivanova.history] == [("antivirus", "not_interested")]
    petrov = CustomerBase(content, records).get("c_petrov")
    assert (petrov.profile.role, petrov.profile.financial_block, petrov.phone) == ("user", True, None)
    before = records.all_customers()
    again = import_customers(source, content, records)
    assert (again.written, again.new) == (2, 0)
    assert records.all_customers() == before


@pytest.mark.parametrize("row, reason", [
    ("c_bad,500100200302,Сидоров,Олег,,m,,owner,internet;cable,,credit,0,,,,,,", "unknown service 'cable'"),
    ("c_bad,500100200302,Сидоров,Олег,,m,,owner,internet,,advance,много,,,,,,", "balance"),
    ("c_bad,12,Сидоров,Олег,,m,,owner,internet,,credit,0,,,,,,", "contract"),
    ("c_bad,500100200302,Сидоров,Олег,,x,,owner,internet,,credit,0,,,,,,", "gender"),
    ("c_bad,500100200302,Сидоров,Олег,,m,123,owner,internet,,credit,0,,,,,,", "phone"),
    ("demo_bad,500100200302,Сидоров,Олег,,m,,owner,internet,,credit,0,,,,,,", "reserved for the demo set"),
    ("c_bad,500100200300,Сидоров,Олег,,m,,owner,internet,,credit,0,,,,,,", "also 'c_ivanova'"),
    ("c_bad,500100200302,Сидоров,Олег,,m,,owner,internet,tv_gold,credit,0,,,,,,", "unknown product 'tv_gold'"),
    ("c_bad,500100200302,Сидоров,Олег,,m,,owner,internet,,credit,0,может быть,,,,,", "yes/no"),
    ("c_bad,500100200302,Сидоров,Олег,,m,,owner,internet,,credit,0,,,,internet|2,,", "service|line|kind"),
], ids=["service", "balance", "contract", "gender", "phone", "demo id", "contract taken", "product", "bool",
        "ticket"])
def test_one_bad_row_imports_nothing_and_is_reported_with_its_line(tmp_path: Path, content: Content, row: str,
                                                                   reason: str) -> None:
    records = Records(tmp_path / "r.sqlite")
    report = import_customers(write(tmp_path / "base.csv", HEADER, IVANOVA, row, PETROV), content, records)
    rejected, = report.rejected
    assert rejected.row == 3 and reason in rejected.reason
    assert records.all_customers() == []  # nothing half-imported
    skipped = import_customers(tmp_path / "base.csv", content, records, skip_bad=True)
    assert skipped.written == 2 and [c["id"] for c in records.all_customers()] == ["c_ivanova", "c_petrov"]


def test_json_uses_the_shape_of_customers_yaml(tmp_path: Path, content: Content) -> None:
    records = Records(tmp_path / "r.sqlite")
    rows = [{"id": "c_one", "contract": "700000001", "first_name": "Анна", "last_name": "Белая", "gender": "f",
             "profile": {"services": ["phone"], "payment": "credit", "marketing_opt_out": True},
             "global_problems": ["phone"]},
            {"id": "c_two", "contract": "700000002", "first_name": "Борис", "last_name": "Чёрный", "gender": "m",
             "profile": {"services": ["internet"], "balance": "a lot"}},
            {"id": "c_three", "contract": "700000003", "first_name": "Вера", "last_name": "Серая", "gender": "f",
             "surname": "x"}]
    source = tmp_path / "base.json"
    source.write_text(json.dumps({"customers": rows}, ensure_ascii=False), encoding="utf-8")
    report = import_customers(source, content, records)
    assert [(r.row, r.customer_id) for r in report.rejected] == [(2, "c_two"), (3, "c_three")]
    assert "profile.balance" in report.rejected[0].reason and "surname" in report.rejected[1].reason
    assert records.all_customers() == []


def test_an_unreadable_file_is_one_clear_error(tmp_path: Path, content: Content) -> None:
    records = Records(tmp_path / "r.sqlite")
    with pytest.raises(CustomerFileError, match="unknown columns"):
        import_customers(write(tmp_path / "base.csv", "id,contract,first_name,last_name,gender,shoe_size"),
                         content, records)
    with pytest.raises(CustomerFileError, match="not valid JSON"):
        import_customers(write(tmp_path / "base.json", "{oops"), content, records)


def test_the_cli_reports_rejected_rows_and_exits_1(tmp_path: Path) -> None:
    db = tmp_path / "r.sqlite"
    bad = write(tmp_path / "bad.csv", HEADER, IVANOVA, "c_bad,1,Сидоров,Олег,,m,,owner,internet,,credit,0,,,,,,")
    done = cli("customers", "import", str(bad), "--db", str(db))
    assert done.exit_code == 1 and "Traceback" not in done.stderr
    assert f"{bad}: row 3 (c_bad): contract" in done.stdout and "nothing imported" in done.stdout
    done = cli("customers", "import", str(bad), "--db", str(db), "--skip-bad", "--json")
    assert done.exit_code == 0
    report = json.loads(done.stdout)
    assert (report["imported"], report["new"], [r["row"] for r in report["rejected"]]) == (1, 1, [3])
    missing = cli("customers", "import", str(tmp_path / "nope.csv"), "--db", str(db))
    assert missing.exit_code == 2 and "cannot read" in missing.stderr and "Traceback" not in missing.stderr


def test_the_console_identifies_imported_customers_and_keeps_demo_ids(tmp_path: Path) -> None:
    db = tmp_path / "r.sqlite"
    assert cli("customers", "import", str(write(tmp_path / "base.csv", HEADER, IVANOVA, PETROV)),
               "--db", str(db)).exit_code == 0
    script = write(tmp_path / "ivanova.txt", "500100200300 Иванова Мария", "у меня вирус", "Да, получилось")
    done = cli("play", "--mode", "customer", "--script", str(script), "--json", "--db", str(db))
    result = json.loads(done.stdout)
    assert result["customer"] == "c_ivanova"
    # her open 2nd-line ticket on internet is on the service: no offer
    decision = next(line["offer_decision"] for line in result["transcript"] if "offer_decision" in line)
    assert result["offers"] == [] and all("open_ticket" in r for r in decision["held_back"].values())
    # with a non-empty base a demo contract identifies nobody…
    egor = write(tmp_path / "egor.txt", "352011070411, Журавлёв Егор")
    result = json.loads(cli("play", "--mode", "customer", "--script", str(egor), "--json", "--db", str(db)).stdout)
    assert result["customer"] is None
    # …but a demo id is always its demo customer
    result = json.loads(cli("play", "--mode", "customer", "--customer", "demo_egor", "--script", str(egor),
                            "--json", "--db", str(db)).stdout)
    assert result["customer"] == "demo_egor"
    listed = cli("customers", "list", "--db", str(db)).stdout.splitlines()
    assert [line.split("\t")[:2] for line in listed] == [["base", "c_ivanova"], ["base", "c_petrov"]]
    unknown = cli("play", "--mode", "customer", "--customer", "c_nobody", "--script", str(egor), "--db", str(db))
    assert unknown.exit_code == 2 and "unknown customer" in unknown.stderr


def test_nan_infinite_and_absurd_balances_are_rejected_rows(tmp_path: Path, content: Content) -> None:
    rows = [f"c_{n},50010020040{n},Сидоров,Олег,,m,,owner,internet,,advance,{balance},,,,,,"
            for n, balance in enumerate(["nan", "-inf", "1" * 5000, "1e12"])]
    records = Records(tmp_path / "r.sqlite")
    report = import_customers(write(tmp_path / "base.csv", HEADER, *rows), content, records)
    assert [r.row for r in report.rejected] == [2, 3, 4, 5]
    assert all("profile.balance" in r.reason for r in report.rejected)
    assert records.customer_count() == 0


def test_a_csv_field_over_the_limit_is_one_clear_error(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from engine.limits import MAX_CSV_FIELD_CHARS
    from main import app

    huge = write(tmp_path / "base.csv", HEADER, IVANOVA.replace("Мария", "М" * (MAX_CSV_FIELD_CHARS + 1)))
    done = CliRunner().invoke(app, ["customers", "import", str(huge), "--db", str(tmp_path / "r.sqlite")])
    assert done.exit_code == 2
    assert done.stderr == f"{huge}:2: field larger than field limit ({MAX_CSV_FIELD_CHARS})\n"


def test_an_import_writes_in_short_batches_and_leaves_the_database_free_between_them(
        tmp_path: Path, content: Content, monkeypatch) -> None:
    import engine.customers

    monkeypatch.setattr(engine.customers, "IMPORT_BATCH_ROWS", 2)
    db = tmp_path / "r.sqlite"
    records = Records(db)
    rows = [f"c_{n},5001002005{n:02},Сидоров,Олег,,m,,owner,internet,,credit,0,,,,,," for n in range(5)]
    batches: list[int] = []
    write_batch = records.upsert_customers

    def spy(batch, updated_at):
        batches.append(len(batch))
        bot = Records(db)  # another connection, as the bot's, writes a turn between two batches at once
        try:
            bot.db.execute("PRAGMA busy_timeout = 0")
            bot.start_session(session_id=f"s{len(batches)}", mode="customer", channel="test", user_id="u",
                              call_type="inbound_upsell", stage="greeting", started_at="2026-11-16T10:00:00")
        finally:
            bot.close()
        return write_batch(batch, updated_at)

    monkeypatch.setattr(records, "upsert_customers", spy)
    report = import_customers(write(tmp_path / "base.csv", HEADER, *rows), content, records)
    assert batches == [2, 2, 1] and (report.written, report.new) == (5, 5)
    again = import_customers(tmp_path / "base.csv", content, records)
    assert (again.written, again.new) == (5, 0) and records.customer_count() == 5


def test_a_forgotten_customer_leaves_only_anonymous_counts(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from main import app

    db = tmp_path / "r.sqlite"
    runner = CliRunner()
    assert runner.invoke(app, ["customers", "import", str(write(tmp_path / "base.csv", HEADER, IVANOVA, PETROV)),
                               "--db", str(db)]).exit_code == 0
    script = write(tmp_path / "ivanova.txt", "500100200300 Иванова Мария", "у меня вирус, звоните на 8 914 555-00-01",
                   "паспорт 4510 123456, Иванову Марию Петровну все знают", "Да, получилось", "позовите оператора")
    played = runner.invoke(app, ["play", "--mode", "customer", "--script", str(script), "--json", "--db", str(db)])
    session_id = json.loads(played.stdout)["session_id"]
    records = Records(db)
    offers_before = [(o["product"], o["response"]) for o in records.offers(session_id)]
    records.close()

    done = runner.invoke(app, ["customers", "forget", "c_ivanova", "--db", str(db)])
    assert done.exit_code == 0, done.output
    records = Records(db)
    try:
        assert records.customer("c_ivanova") is None and records.customer("c_petrov") is not None
        session = records.session(session_id)
        assert session["customer_id"] is None and session["snapshot"] is None and session["status"] != "active"
        stored = json.dumps([records.turns(session_id), records.handoffs(session_id), records.tickets(session_id)],
                            ensure_ascii=False)
        for personal in ("500100200300", "Иванов", "Мари", "Петровн", "555-00-01", "4510 123456", "c_ivanova"):
            assert personal not in stored, personal
        assert [(o["product"], o["response"]) for o in records.offers(session_id)] == offers_before
        assert len(records.turns(session_id)) == len(json.loads(played.stdout)["transcript"])
    finally:
        records.close()
    again = runner.invoke(app, ["customers", "forget", "c_ivanova", "--db", str(db)])
    assert again.exit_code == 2 and "no such customer" in again.stderr
