"""The SQLite record store: schema on first run, WAL, one transaction per turn."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.records import MIGRATIONS, Records, RecordStoreError, TurnWrite


def _session(records: Records, session_id: str = "s1") -> None:
    records.start_session(session_id=session_id, mode="customer", channel="test", user_id="u1",
                          call_type="inbound_upsell", stage="greeting", started_at="2026-11-16T10:00:00")


def test_first_run_creates_the_schema_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "records.sqlite"
    records = Records(path)
    assert path.exists()
    assert records.schema_version == len(MIGRATIONS)
    assert records.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {"sessions", "turns", "offers", "orders"} <= set(records.db.table_names())
    records.close()
    assert Records(path).schema_version == len(MIGRATIONS)


def test_a_turn_writes_lines_offers_and_orders_together(tmp_path: Path) -> None:
    records = Records(tmp_path / "r.sqlite")
    _session(records)
    records.save_turn(TurnWrite("s1", "offer", "active",
                                turns=[{"n": 1, "role": "client", "text": "да", "stage": "offer", "at": "t1"}],
                                offers=[{"product": "antivirus", "response": None, "shown_at": "t1",
                                         "updated_at": "t1"}]))
    records.save_turn(TurnWrite("s1", "finished", "finished", finished_at="t2",
                                offers=[{"product": "antivirus", "response": "agreed", "updated_at": "t2"}],
                                orders=[{"product": "antivirus", "customer_id": "c1", "created_at": "t2"}]))
    offer, = records.offers("s1")
    assert (offer["response"], offer["shown_at"], offer["updated_at"]) == ("agreed", "t1", "t2")
    order, = records.orders("s1")
    assert (order["product"], order["status"], order["customer_id"]) == ("antivirus", "new", "c1")
    assert records.session("s1")["status"] == "finished"
    assert [t["text"] for t in records.turns("s1")] == ["да"]


def test_a_failed_turn_writes_nothing(tmp_path: Path) -> None:
    records = Records(tmp_path / "r.sqlite")
    _session(records)
    broken = TurnWrite("s1", "offer", "active",
                       turns=[{"n": 1, "role": "client", "text": "да", "stage": "offer", "at": "t1"}],
                       orders=[{"no_product": "antivirus"}])  # fails after the turn's line was written
    with pytest.raises(KeyError):
        records.save_turn(broken)
    assert records.turns("s1") == []
    assert records.session("s1")["stage"] == "greeting"


def test_an_order_is_recorded_once_per_product_and_session(tmp_path: Path) -> None:
    records = Records(tmp_path / "r.sqlite")
    _session(records)
    order = {"product": "books", "customer_id": "c1", "created_at": "t"}
    records.save_turn(TurnWrite("s1", "closing", "active", orders=[order]))
    records.save_turn(TurnWrite("s1", "closing", "active", orders=[order]))
    assert len(records.orders("s1")) == 1


def test_a_database_that_cannot_be_opened_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(RecordStoreError, match="cannot open the records database"):
        Records(blocker / "records.sqlite")
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(RecordStoreError, match="cannot open the records database"):
        Records(garbage)


def test_the_cli_reports_a_bad_database_in_one_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    from .conftest import PROJECT

    bad = tmp_path / "file"
    bad.write_text("x", encoding="utf-8")
    done = subprocess.run([sys.executable, "main.py", "history", "--db", str(bad / "r.sqlite")], cwd=PROJECT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().startswith("cannot open the records database")
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_the_records_file_and_its_folder_are_the_owners_only(tmp_path, monkeypatch) -> None:
    import stat

    import engine.records

    created = tmp_path / "new" / "records.sqlite"
    default = tmp_path / "var" / "sobesednik.sqlite"
    default.parent.mkdir(mode=0o755)
    default.parent.chmod(0o755)  # as an older install left it
    monkeypatch.setattr(engine.records, "DEFAULT_DB_PATH", default)
    for path in (created, default):
        records = Records(path)
        _session(records)
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert {stat.S_IMODE(p.stat().st_mode) for p in path.parent.iterdir()} == {0o600}  # the WAL files too
        records.close()
