"""Every command of main.py, in-process, fed what users and other programs really send: text in any script, bytes
that are not UTF-8, endless lines, NaN — one clear line or JSON error each, never a traceback."""
from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from engine.limits import MAX_LINE_BYTES
from engine.records import Records
from main import app

TANGUT = "\U00017000"


def invoke(*args: str, input: bytes | str | None = None):
    return CliRunner().invoke(app, list(args), input=input, catch_exceptions=False)


def json_lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines()]


def test_classify_takes_a_line_in_any_script_and_goes_on() -> None:
    done = invoke("classify", "--side", "client", input=f"привет\n{TANGUT}\nдорого\n".encode())
    assert done.exit_code == 0, done.output
    rows = json_lines(done.stdout)
    assert [row["intent"] for row in rows] == ["greeting", "other", "objection_price"]
    assert rows[1]["text"] == TANGUT


def test_classify_reports_a_line_that_is_not_utf8_and_keeps_the_others_exact() -> None:
    done = invoke("classify", "--side", "operator", input="Понимаю вас\n".encode() + b"\xff\xfe ok\n" + "Спасибо\n".encode())
    assert done.exit_code == 1
    rows = json_lines(done.stdout)
    assert rows[1] == {"error": "line 2: not UTF-8 (invalid start byte at byte 0)"}
    assert rows[0]["text"] == "Понимаю вас" and rows[2]["text"] == "Спасибо"


def test_an_endless_line_is_one_error_and_the_next_line_is_answered() -> None:
    stdin = b"x" * (3 * MAX_LINE_BYTES) + b"\n" + '{"offer": "books"}\n'.encode()
    done = invoke("eligibility", input=stdin)
    assert done.exit_code == 1
    assert json_lines(done.stdout) == [{"error": f"line 1: longer than {MAX_LINE_BYTES} bytes"},
                                       {"offer": "books", "allowed": True, "reasons": []}]


def test_nan_infinity_and_absurd_balances_fail_closed() -> None:
    contexts = ['{"offer": "books", "customer": {"payment": "advance", "balance": %s}}' % value
                for value in ("NaN", "-Infinity", "1e400", "1" * 5000, "1e12", "500")]
    done = invoke("eligibility", input="\n".join(contexts) + "\n")
    rows = json_lines(done.stdout)
    assert done.exit_code == 1
    assert rows[0] == {"error": "line 1: invalid JSON: NaN is not a number"}
    assert rows[1] == {"error": "line 2: invalid JSON: -Infinity is not a number"}
    assert [row.get("allowed") for row in rows] == [None, None, None, None, None, True]
    assert rows[2]["error"] == "line 3: customer.balance: Input should be a finite number"
    assert rows[3] == {"error": "line 4: invalid JSON: a number of 5000 digits is too large"}
    assert rows[4]["error"] == "line 5: customer.balance: Input should be less than or equal to 1000000000"


def test_a_json_error_on_a_one_line_input_gives_its_column_not_line_2() -> None:
    done = invoke("eligibility", input='{"offer": \n')
    assert json_lines(done.stdout) == [{"error": "line 1: invalid JSON: Expecting value (column 11)"}]


def test_score_takes_a_dialogue_in_any_script(tmp_path: Path) -> None:
    dialogue = {"client_name": "Егор", "outcome": "not_interested", "turns": [
        {"role": "operator", "text": "Добрый день! Компания Ростелеком, меня зовут Анна."},
        {"role": "client", "text": f"{TANGUT} здравствуйте"},
        {"role": "operator", "text": "Спасибо за звонок, всего доброго!"}]}
    path = tmp_path / "dialogue.json"
    path.write_text(json.dumps(dialogue, ensure_ascii=False), encoding="utf-8")
    done = invoke("score", str(path))
    assert done.exit_code == 0, done.output
    assert 0 <= json.loads(done.stdout)["score"] <= 100


def test_play_script_with_any_script_finishes_and_is_recorded(tmp_path: Path) -> None:
    script = tmp_path / "script.txt"
    script.write_text(f"Здравствуйте\n{TANGUT}\n352011070411, Журавлёв Егор\n", encoding="utf-8")
    db = tmp_path / "records.sqlite"
    done = invoke("play", "--mode", "customer", "--script", str(script), "--json", "--db", str(db))
    assert done.exit_code == 0, done.output
    result = json.loads(done.stdout)
    assert TANGUT in [line.get("text") for line in result["transcript"]]
    records = Records(db)
    try:
        assert records.session(result["session_id"])["status"] == "finished"
    finally:
        records.close()


def sessions(db: Path) -> list[dict]:
    records = Records(db)
    try:
        return list(records.sessions_of("console"))
    finally:
        records.close()


def test_play_script_of_an_endless_line_stops_at_it_and_abandons_the_session(tmp_path: Path) -> None:
    db = tmp_path / "records.sqlite"
    done = invoke("play", "--mode", "customer", "--script", "/dev/zero", "--db", str(db))
    assert done.exit_code == 2
    assert done.stderr == f"cannot read the script: /dev/zero:1: longer than {MAX_LINE_BYTES} bytes\n"
    [session] = sessions(db)
    assert session["status"] == "abandoned" and session["finished_at"]


def test_play_script_with_a_line_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    script = tmp_path / "script.txt"
    script.write_bytes("Здравствуйте\n".encode() + b"\xff\n")
    done = invoke("play", "--script", str(script), "--db", str(tmp_path / "records.sqlite"))
    assert done.exit_code == 2
    assert done.stderr == f"cannot read the script: {script}:2: not UTF-8 (invalid start byte at byte 0)\n"


def test_a_failing_turn_in_a_script_is_one_line_the_session_abandoned_the_traceback_masked_in_the_log(
        tmp_path: Path, monkeypatch) -> None:
    from engine.dialogue import DialogueEngine

    def broken(self, snapshot, event):
        raise RuntimeError(f"engine broke on {event.text!r}")

    monkeypatch.setattr(DialogueEngine, "handle", broken)
    script = tmp_path / "script.txt"
    script.write_text("352011070411, Журавлёв Егор\n", encoding="utf-8")
    db = tmp_path / "records.sqlite"
    done = invoke("play", "--script", str(script), "--db", str(db))
    assert done.exit_code == 1
    assert done.stderr.startswith("internal error: RuntimeError: engine broke") and done.stderr.count("\n") == 1
    assert "Traceback" not in done.output
    [session] = sessions(db)
    assert session["status"] == "abandoned"
    log = (tmp_path / "console.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "RuntimeError" in log
    assert "352011070411" not in log and "Журавлёв" not in log and "Егор" not in log


def test_a_trainee_script_that_ends_before_the_response_codes_is_abandoned_not_active(tmp_path: Path) -> None:
    """Found by tests/test_properties.py: the call hung up at the end of the script waited for codes forever."""
    db = tmp_path / "records.sqlite"
    script = tmp_path / "script.txt"
    script.write_text("Добрый день! Компания Ростелеком, меня зовут Анна.\n", encoding="utf-8")
    done = invoke("play", "--mode", "trainee", "--scenario", "slow_internet_speed_easy", "--script", str(script),
                  "--db", str(db))
    assert done.exit_code == 0, done.output
    [session] = sessions(db)
    assert session["status"] == "abandoned" and session["finished_at"]
