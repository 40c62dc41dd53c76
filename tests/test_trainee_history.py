"""A trainee's sessions keep their scorecards, and `python main.py history` shows his history and progress."""
from __future__ import annotations

import json
from pathlib import Path

from engine.records import Records

from .conftest import run_main

SCRIPTS = Path(__file__).parent / "scripts"


def main(*args: str) -> str:
    done = run_main(*args)
    assert done.exit_code == 0, done.stderr
    return done.stdout


def test_history_shows_scores_passes_and_progress(tmp_path: Path) -> None:
    db = str(tmp_path / "r.sqlite")
    bad = json.loads(main("play", "--mode", "trainee", "--scenario", "billing_conflict", "--json", "--db", db,
                          "--script", str(SCRIPTS / "trainee_billing_conflict_bad.txt")))
    good = json.loads(main("play", "--mode", "trainee", "--scenario", "virus_antivirus_think", "--json", "--db", db,
                           "--script", str(SCRIPTS / "trainee_virus_antivirus_think_good.txt")))
    records = Records(db)
    try:
        stored = records.session(good["session_id"])
        assert stored["score"] == good["scorecard"]["score"] and stored["passed"] == 1
        assert json.loads(stored["scorecard"])["response_code"] == good["scorecard"]["response_code"]
    finally:
        records.close()
    summary = json.loads(main("history", "--user", "console", "--json", "--db", db))
    assert (summary["sessions"], summary["scored"], summary["passed"]) == (2, 2, 1)
    assert summary["trend"] == good["scorecard"]["score"] - bad["scorecard"]["score"] > 0
    assert summary["scenarios_passed"] == ["virus_antivirus_think"]
    assert [item["scenario_id"] for item in summary["recent"]] == ["virus_antivirus_think", "billing_conflict"]
    text = main("history", "--user", "console", "--db", db)
    assert f"{good['scorecard']['score']} балл" in text and "незачёт" in text
    assert main("history", "--user", "nobody", "--json", "--db", db).startswith('{"sessions": 0')
