"""``run_score`` (``python main.py score FILE.json``): one JSON object out; bad input is one error line, exit 1."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from engine.content.loader import Content
from engine.score_cli import run_score
from engine.understanding import Understanding

TURNS = [
    {"role": "operator", "text": "Добрый день! Компания Ростелеком, меня зовут Анна. Чем могу помочь?"},
    {"role": "client", "text": "Здравствуйте, это Егор, договор 352011070412. Интернет медленный."},
    {"role": "operator", "text": "Егор, я перезагрузила порт, скорость восстановлена."},
    {"role": "client", "text": "Да, работает, спасибо."},
    {"role": "operator", "text": "Рада, что смогла помочь. Егор, предлагаю опцию «+100 Мбит/с»: фильмы будут "
                                 "грузиться без задержек. Это 100 рублей в месяц, всего 3 рубля в день."},
    {"role": "client", "text": "Нет, спасибо, не надо."},
    {"role": "operator", "text": "Хорошо, Егор, понимаю вас. Спасибо за звонок, всего доброго!"},
]
GOOD = {"client_name": "Егор", "outcome": "not_interested", "scenario": None, "turns": TURNS}


@pytest.fixture(scope="module")
def nlu(content: Content) -> Understanding:
    return Understanding.load(content.dialogues)


def run(content: Content, nlu: Understanding, path: Path, **kwargs) -> tuple[int, list[str]]:
    lines: list[str] = []
    code = run_score(path, lines.append, content, nlu, **kwargs)
    return code, lines


def write(tmp_path: Path, payload: str | bytes) -> Path:
    path = tmp_path / "dialogue.json"
    if isinstance(payload, bytes):
        path.write_bytes(payload)
    else:
        path.write_text(payload, encoding="utf-8")
    return path


def test_scores_a_file(content, nlu, tmp_path: Path) -> None:
    code, lines = run(content, nlu, write(tmp_path, json.dumps(GOOD, ensure_ascii=False)))
    assert code == 0 and len(lines) == 1
    data = json.loads(lines[0])
    assert {"score", "passed", "checks", "flags", "feedback"} <= set(data)
    assert data["passed"] is True and data["flags"] == []
    assert data["checks"]["outcome_correct"] is True
    assert data["response_code"] == {"chosen": "not_interested", "correct": "not_interested"}
    assert "Итог" in data["feedback"][0]  # written with ensure_ascii=False
    assert "Итог" in lines[0]


def test_pass_mark_goes_through(content, nlu, tmp_path: Path) -> None:
    path = write(tmp_path, json.dumps(GOOD, ensure_ascii=False))
    _, lines = run(content, nlu, path)
    score = json.loads(lines[0])["score"]
    code, lines = run(content, nlu, path, pass_mark=min(100, score + 1))
    assert code == 0 and json.loads(lines[0])["passed"] is (score == 100)


def test_extra_fields_are_ignored(content, nlu, tmp_path: Path) -> None:
    payload = {**GOOD, "session_id": "abc", "turns": [{**turn, "stage": "x"} for turn in TURNS]}
    code, _ = run(content, nlu, write(tmp_path, json.dumps(payload, ensure_ascii=False)))
    assert code == 0


def test_reads_stdin(content, nlu, monkeypatch) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(json.dumps(GOOD, ensure_ascii=False).encode("utf-8")), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", stdin)
    code, lines = run(content, nlu, Path("-"))
    assert code == 0 and "score" in json.loads(lines[0])


@pytest.mark.parametrize(("payload", "message"), [
    ("{not json", "invalid JSON"),
    ("[1, 2]", "must be a JSON object"),
    (json.dumps({"client_name": "Егор"}), "turns: Field required"),
    (json.dumps({**GOOD, "turns": [{"role": "boss", "text": "Привет"}]}), "turns.0.role"),
    (json.dumps({**GOOD, "turns": "text"}), "turns"),
    (json.dumps({**GOOD, "scenario": "no_such"}), "unknown scenario 'no_such'"),
    (json.dumps({**GOOD, "outcome": "maybe"}), "unknown outcome 'maybe'"),
    (json.dumps({**GOOD, "turns": []}), "an empty call has nothing to score"),
    ("\ufeff" + "{", "invalid JSON"),
    (b"\xff\xfe{", "not UTF-8"),
])
def test_bad_input_is_one_error_line(content, nlu, tmp_path: Path, payload: str | bytes, message: str) -> None:
    code, lines = run(content, nlu, write(tmp_path, payload))
    assert code == 1 and len(lines) == 1
    error = json.loads(lines[0])
    assert set(error) == {"error"} and message in error["error"]
    assert "\n" not in error["error"] and "Traceback" not in error["error"]


def test_missing_file(content, nlu, tmp_path: Path) -> None:
    code, lines = run(content, nlu, tmp_path / "nope.json")
    assert code == 1 and "cannot read" in json.loads(lines[0])["error"] and "nope.json" in lines[0]
