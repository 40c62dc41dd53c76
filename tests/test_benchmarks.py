"""The benchmark command runs end to end on a tiny configuration and saves valid JSON (its figures are not
judged here: the machine may be busy)."""
from __future__ import annotations

import json

from benchmarks.__main__ import main


def test_the_benchmarks_run_and_save_json(tmp_path, capsys) -> None:
    out = tmp_path / "bench.json"
    assert main(["--quick", "--json", str(out)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert set(result["engine"]) == set(result["records"]) and len(result["engine"]) == 5
    assert all(row["turns"] > 0 and row["turns_per_s"] > 0 for row in result["engine"].values())
    assert result["bot"]["bot"]["updates"] == result["bot"]["echo"]["updates"] > 0
    assert result["bot"]["bot"]["retries"] == 0
    assert "chatsky / customer inbound_upsell" in result["peer"] or "skipped" in result["peer"]
    assert {"engine customer turns/s", "records turns/s", "bot / echo", "start-up s"} <= set(result["targets"])
    assert "targets" in capsys.readouterr().out
