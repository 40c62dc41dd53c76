"""JSON lines in, JSON lines out for `main.py eligibility` and `main.py offers` (CONTRACT.md)."""
from __future__ import annotations

import io
import json

import pytest

from engine.content.loader import load_content
from engine.json_io import stdout_writer
from engine.rules_cli import run_eligibility, run_offers


@pytest.fixture(scope="module")
def content():
    return load_content()


def run(runner, lines, content):
    out: list[str] = []
    code = runner(lines, out.append, content)
    return code, out


def test_eligibility_lines(content):
    lines = [
        '{"offer": "antivirus", "customer": {"services": ["internet"]}}\n',
        '{"offer": "start", "customer": {"services": ["internet", "tv"], "options": ["start"]}, '
        '"call": {"peak_hours": true}}\n',
    ]
    code, out = run(run_eligibility, lines, content)
    assert code == 0
    assert [json.loads(line) for line in out] == [
        {"offer": "antivirus", "allowed": True, "reasons": []},
        {"offer": "start", "allowed": False, "reasons": ["already_has", "peak_hours"]},
    ]
    assert all("\n" not in line for line in out)


def test_bad_lines_get_an_error_and_the_run_goes_on(content):
    lines = [
        '{"offer": "books"}',
        "not json",
        "",
        "   \n",
        '["offer", "books"]',
        '{"offer": "kino"}',
        '{"offer": "books", "customer": {"payment": "prepaid"}}',
        '{"offer": "books", "customer": {"identifed": true}}',
        b'{"offer": "books", "customer": {"services": ["\xff"]}}',
        '{"offer": "who_calls"}',
    ]
    code, out = run(run_eligibility, lines, content)
    assert code == 1
    answers = [json.loads(line) for line in out]
    assert len(answers) == 8                                  # blank lines get no answer
    assert answers[0] == {"offer": "books", "allowed": True, "reasons": []}
    assert answers[-1] == {"offer": "who_calls", "allowed": True, "reasons": []}
    errors = answers[1:-1]
    assert all(set(answer) == {"error"} for answer in errors)
    assert errors[0]["error"].startswith("line 2: invalid JSON")
    assert errors[1]["error"] == "line 5: a context must be a JSON object"
    assert errors[2]["error"] == "line 6: unknown offer 'kino'"
    assert errors[3]["error"].startswith("line 7: customer.payment:")
    assert errors[4]["error"].startswith("line 8: customer.identifed:")
    assert errors[5]["error"].startswith("line 9: not UTF-8")


def test_bytes_and_bom(content):
    code, out = run(run_eligibility, ['\ufeff{"offer": "books"}'.encode(), b'{"offer": "who_calls"}\r\n'], content)
    assert code == 0
    assert [json.loads(line)["offer"] for line in out] == ["books", "who_calls"]


def test_offers_lines(content):
    request = {"customer": {"services": ["internet", "tv"]}, "topic": "virus", "limit": 2,
               "history": [{"product": "viju", "response": "not_interested", "at": "2026-11-10T10:00:00+03:00"}],
               "now": "2026-11-16T12:00:00+03:00"}
    code, out = run(run_offers, [json.dumps(request), '{"topic": "weather"}'], content)
    assert code == 1
    answer = json.loads(out[0])
    assert answer["topic"] == "virus" and answer["segment"] == "internet_tv"
    assert [offer["rank"] for offer in answer["offers"]] == [1, 2]
    assert answer["offers"][0]["offer"] == "antivirus"
    assert set(answer["offers"][0]) == {"offer", "rank", "score", "propensity", "value", "weight", "factors", "why"}
    viju = next(item for item in answer["skipped"] if item["offer"] == "viju")
    assert viju["reasons"] == ["cooloff"] and viju["response"] == "not_offered"
    # Russian explanations are written as they are, not as \\u escapes.
    assert content.bridges["virus"].name in out[0]
    assert "\\u" not in out[0]
    assert json.loads(out[1])["error"].startswith("line 2: unknown topic 'weather'")


def test_stdout_writer_writes_a_line_and_flushes():
    class Stream(io.StringIO):
        flushes = 0

        def flush(self):
            self.flushes += 1
            super().flush()

    stream = Stream()
    write = stdout_writer(stream)
    write('{"a": 1}')
    write('{"b": 2}')
    assert stream.getvalue() == '{"a": 1}\n{"b": 2}\n'
    assert stream.flushes == 2


def test_an_unexpected_failure_is_an_error_line_not_a_traceback(content, monkeypatch):
    import engine.rules_cli as cli

    def broken(context, content):
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "check_eligibility", broken)
    code, out = run(cli.run_eligibility, ['{"offer": "books"}', '{"offer": "who_calls"}'], content)
    assert code == 1
    assert [json.loads(line) for line in out] == [
        {"error": "line 1: internal error: RuntimeError: boom"},
        {"error": "line 2: internal error: RuntimeError: boom"},
    ]
