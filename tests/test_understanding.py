"""Behaviour of the Russian understanding: intents, negation, context, operator moves, names, streaming CLI."""
from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.content.yaml_source import ContentError
from engine.understanding import ClientIntent, OperatorMoves, Understanding, check_lexicon, run_classify

DIALOGUES = Path(__file__).resolve().parents[1] / "dialogues"


@pytest.fixture(scope="module")
def nlu() -> Understanding:
    return Understanding.load(DIALOGUES)


@pytest.mark.parametrize(("text", "intent"), [
    ("не дорого, давайте", "agree"),
    ("это не дорого", "agree"),
    ("дорого", "objection_price"),
    ("не против", "agree"),
    ("я не против, подключайте", "agree"),
    ("нет, спасибо, у меня уже есть", "objection_have"),
    ("надо у мужа спросить, договор на нём", "think"),
    ("договор на жене, я не решаю", "think"),
    ("ВЫ ЧТО ТАМ ВСЕ С УМА ПОСХОДИЛИ", "complaint"),
    ("да идите вы со своими предложениями", "complaint"),
    ("напишу на вас жалобу", "complaint"),
    ("хочу расторгнуть договор", "churn"),
    ("ухожу к другому оператору", "churn"),
    ("не хочу рекламу", "opt_out"),
    ("не звоните мне больше", "opt_out"),
    ("я не занят, давайте", "agree"),
    ("мы переезжаем", "relocation"),
    ("интернет не работает", "tech_problem"),
    ("а сколько стоит?", "question"),
    ("добрый день", "greeting"),
    ("спасибо, до свидания", "other"),
])
def test_client_intents_with_negation_and_meaning(nlu: Understanding, text: str, intent: str) -> None:
    assert nlu.client_intent(text).intent == intent


@pytest.mark.parametrize(("text", "intent"), [
    ("дорага", "objection_price"),                  # typo
    ("хочу растогрнуть договор", "churn"),          # typo
    ("дааааа", "agree"),                           # stretched letters
    ("нееет", "decline"),
    ("неа", "decline"),                            # slang
    ("норм, давай", "agree"),
    ("👍", "agree"),                               # emoji
    ("ща некогда", "objection_time"),
    ("Ёлки, у меня уже ЕСТЬ антивирус!", "objection_have"),
])
def test_client_intents_survive_chat_style(nlu: Understanding, text: str, intent: str) -> None:
    assert nlu.client_intent(text).intent == intent


def test_context_changes_short_answers(nlu: Understanding) -> None:
    assert nlu.client_intent("нет", context="offer").intent == "decline"
    assert nlu.client_intent("да", context="offer").intent == "agree"
    assert nlu.client_intent("да", context="identification").intent == "other"
    assert nlu.client_intent("хочу расторгнуть договор", context="identification").intent == "churn"
    assert nlu.client_intent("да", context="no_such_stage").intent == "agree"


def test_confidence_is_a_probability_and_higher_for_clear_cases(nlu: Understanding) -> None:
    clear = nlu.client_intent("хочу расторгнуть договор, ухожу к другому оператору")
    vague = nlu.client_intent("ну такое")
    assert isinstance(clear, ClientIntent)
    assert 0.0 <= vague.confidence < clear.confidence <= 1.0
    assert vague.intent == "other"


@pytest.mark.parametrize("text", ["", "   ", "а" * 10_000, "нет\x00\x07\x1b[31m", "这是什么", "ﷺ 🙂🙂🙂",
                                  "1234567890" * 50, "\u200b\u200d", "?!?!?!"])
def test_odd_input_gives_a_valid_answer(nlu: Understanding, text: str) -> None:
    result = nlu.client_intent(text)
    assert result.intent in {"agree", "decline", "think", "objection_price", "objection_need", "objection_have",
                             "objection_time", "question", "complaint", "churn", "relocation", "tech_problem",
                             "opt_out", "greeting", "other"}
    assert 0.0 <= result.confidence <= 1.0
    assert isinstance(nlu.operator_moves(text, "Егор"), OperatorMoves)


def test_empty_message_is_other_without_confidence(nlu: Understanding) -> None:
    assert nlu.client_intent("") == ClientIntent("other", 0.0)


def test_same_input_same_output(nlu: Understanding) -> None:
    text = "ну не знаю, дороговато, надо с женой посоветоваться"
    assert {nlu.client_intent(text) for _ in range(5)} == {nlu.client_intent(text)}


@pytest.mark.parametrize(("text", "tags"), [
    ("Здравствуйте! Меня зовут Анна, компания Ростелеком.", {"greeting"}),
    ("Рад, что смог помочь решить ваш вопрос.", {"bridge"}),
    ("Предлагаю подключить антивирус, это 90 рублей в месяц, всего 3 рубля в день.",
     {"offer", "price", "price_per_day"}),
    ("Понимаю вас. Цена — это единственное, что вас останавливает?", {"empathy", "clarify"}),
    ("И всё это всего за 3 рубля в день. Как вы считаете, это выгодно?", {"summary", "price_per_day"}),
    ("Оформляю?", {"call_to_action"}),
    ("Какие вопросы у вас ещё остались?", {"check_questions"}),
    ("Всего доброго!", {"farewell"}),
    ("Уникальное предложение только сегодня!", {"cliche"}),
    ("Вам удобно разговаривать?", {"cliche"}),
    ("Одну минуту, проверяю.", set()),
])
def test_operator_moves(nlu: Understanding, text: str, tags: set[str]) -> None:
    assert nlu.operator_moves(text).tags == frozenset(tags)


@pytest.mark.parametrize(("text", "name", "expected"), [
    ("Елена Викторовна, подключаю?", "Елена Викторовна", True),
    ("Передам Елене Викторовне.", "Елена Викторовна", True),
    ("Спасибо, Викторовна.", "Елена Викторовна", True),
    ("Егор, здравствуйте!", "Егор", True),
    ("Для Егора есть предложение.", "Егор", True),
    ("Поговорим с Егором.", "Егор", True),
    ("Здравствуйте!", "Егор", False),
    ("Здравствуйте, Игорь!", "Егор", False),
    ("Здравствуйте, Егор!", None, False),
    ("ЕЛЕНА, добрый день", "Елена", True),
])
def test_addressing_by_name_in_any_case(nlu: Understanding, text: str, name: str | None, expected: bool) -> None:
    assert nlu.operator_moves(text, name).addresses_by_name is expected


def test_the_lexicon_is_valid() -> None:
    assert check_lexicon(DIALOGUES) == []


def _copy_lexicon(tmp_path: Path) -> Path:
    shutil.copytree(DIALOGUES / "lexicon", tmp_path / "lexicon")
    return tmp_path


def test_lexicon_problems_point_at_file_and_line(tmp_path: Path) -> None:
    root = _copy_lexicon(tmp_path)
    client = root / "lexicon" / "client.yaml"
    original = client.read_text(encoding="utf-8")
    broken = original.replace("  decline:\n    weight: 1.0\n", "  decline:\n    weight: -1\n", 1)
    broken = broken.replace("min_score: 0.5", "min_score: lots", 1)
    client.write_text(broken, encoding="utf-8")
    lines = broken.splitlines()
    found = {p.line for p in check_lexicon(root) if p.file.endswith("client.yaml")}
    assert {lines.index("    weight: -1") + 1, lines.index("min_score: lots") + 1} <= found
    with pytest.raises(ContentError) as error:
        Understanding.load(root)
    assert "client.yaml:" in str(error.value)


def test_phrase_syntax_and_references_are_checked(tmp_path: Path) -> None:
    root = _copy_lexicon(tmp_path)
    client = root / "lexicon" / "client.yaml"
    broken = client.read_text(encoding="utf-8")
    broken = broken.replace("      - посовет*|посовещ*\n", "      - посовет*|посовещ*\n      - a|*\n", 1)
    broken = broken.replace("fallback: other", "fallback: maybe", 1)
    client.write_text(broken, encoding="utf-8")
    lines = broken.splitlines()
    found = {p.line for p in check_lexicon(root)}
    fallback = next(n for n, line in enumerate(lines, start=1) if line.startswith("fallback: maybe"))
    assert {lines.index("      - a|*") + 1, fallback} <= found


def test_missing_lexicon_file_and_yaml_syntax_are_reported(tmp_path: Path) -> None:
    root = _copy_lexicon(tmp_path)
    (root / "lexicon" / "operator.yaml").unlink()
    (root / "lexicon" / "language.yaml").write_text("negation: [не\n", encoding="utf-8")
    messages = [str(p) for p in check_lexicon(root)]
    assert any("operator.yaml:1:" in m for m in messages)
    assert any("language.yaml:" in m and "YAML syntax" in m for m in messages)


def test_unknown_intent_in_lexicon_is_reported(tmp_path: Path) -> None:
    root = _copy_lexicon(tmp_path)
    client = root / "lexicon" / "client.yaml"
    client.write_text(client.read_text(encoding="utf-8").replace("  relocation:\n", "  moving:\n", 1),
                      encoding="utf-8")
    messages = [str(p) for p in check_lexicon(root)]
    assert any("unknown 'moving'" in m for m in messages)
    assert any("missing ['relocation']" in m for m in messages)


def test_run_classify_streams_one_line_per_line() -> None:
    written: list[str] = []

    def lines() -> Iterator[bytes]:
        yield "дорого".encode()
        assert len(written) == 1  # the first answer is out before the second line is read
        yield b""
        yield ("да" * 5000).encode()
        yield "нет\x00\x1b".encode()

    code = run_classify("client", lines(), written.append, DIALOGUES)
    assert code == 0
    rows = [json.loads(line) for line in written]
    assert rows[0] == {"text": "дорого", "intent": "objection_price", "confidence": rows[0]["confidence"]}
    assert rows[1]["text"] == "" and rows[1]["intent"] == "other"
    assert len(rows) == 4 and all("error" not in row for row in rows)
    assert "дорого" in written[0]  # ensure_ascii=False


def test_run_classify_operator_side_sorts_tags() -> None:
    written: list[str] = []
    code = run_classify("operator", ["Понимаю вас. Оформляю?".encode()], written.append, DIALOGUES)
    assert code == 0
    assert json.loads(written[0]) == {"text": "Понимаю вас. Оформляю?", "tags": ["call_to_action", "empathy"]}


def test_run_classify_reports_a_bad_line_and_goes_on() -> None:
    written: list[str] = []
    code = run_classify("client", ["да".encode(), b"\xff\xfe", None, "нет".encode()], written.append, DIALOGUES)
    rows = [json.loads(line) for line in written]
    assert code == 1
    assert [row.get("error") for row in rows] == [None, "line 2: not UTF-8 (invalid start byte at byte 0)",
                                                  "line 3: longer than 65536 bytes", None]
    assert rows[3]["intent"] == "decline"


def test_run_classify_rejects_an_unknown_side() -> None:
    written: list[str] = []
    assert run_classify("robot", ["да".encode()], written.append, DIALOGUES) == 2
    assert "error" in json.loads(written[0])


def test_an_edited_lexicon_is_picked_up_on_the_next_load(content_copy) -> None:
    dialogues = content_copy / "dialogues"
    before = Understanding.load(dialogues)
    assert before.client_intent("шмяк").intent == "other"
    client = dialogues / "lexicon" / "client.yaml"
    text = client.read_text(encoding="utf-8")
    client.write_text(text.replace("      - да\n", "      - да\n      - шмяк\n", 1), encoding="utf-8")
    after = Understanding.load(dialogues)
    assert after.client_intent("шмяк").intent == "agree"
    assert Understanding.load(dialogues) is after  # unchanged files: the same, cached
