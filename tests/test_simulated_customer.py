"""The simulated customer in-process: deterministic variation, gendered lines, traps revealed by the right
question, hardening on pressure, hints counted, and nothing a trainee types breaks him."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.content.loader import load_content
from engine.conversation import Event
from engine.dialogue import DialogueEngine
from engine.understanding import Understanding

GREETING = "Добрый день! Компания Ростелеком, меня зовут Анна. Чем могу помочь?"


@pytest.fixture(scope="module")
def engine() -> DialogueEngine:
    content = load_content()
    return DialogueEngine(content, Understanding.load(content.dialogues))


def run(engine: DialogueEngine, scenario: str, lines: list[str], seed: int = 1):
    result = engine.start("trainee", scenario_id=scenario, seed=seed)
    snapshot, replies = result.snapshot, []
    for line in lines:
        result = engine.handle(snapshot, Event(text=line))
        snapshot = result.snapshot
        replies.append(result.replies)
    return snapshot, replies


def client_lines(snapshot) -> list[dict]:
    return [{"text": line.text, **line.analysis} for line in snapshot.lines if line.role == "client" and not line.event]


def test_the_same_seed_replays_the_same_customer(engine) -> None:
    lines = [GREETING, "Перезагрузите роутер, пожалуйста."]
    first, _ = run(engine, "slow_internet_speed_easy", lines, seed=5)
    again, _ = run(engine, "slow_internet_speed_easy", lines, seed=5)
    assert [l.text for l in first.lines] == [l.text for l in again.lines]
    texts = {run(engine, "slow_internet_speed_easy", lines, seed=s)[0].lines[1].text for s in range(12)}
    assert len(texts) > 1  # variants differ between sessions


def test_lines_are_in_the_persona_gender(engine) -> None:
    offer = "Николай Петрович, подписка START: эксклюзивные сериалы. Всего 3 рубля в день. Подключаем?"
    snapshot, _ = run(engine, "no_signal_viju_declines", [GREETING, "Переключите источник на HDMI.",
                                                         "Олег Анатольевич, viju+, 150 рублей в месяц. Подключаем?",
                                                         "Ну это хорошая подписка."] + [offer] * 2)
    text = " ".join(line["text"] for line in client_lines(snapshot))
    assert "сказала" not in text and "поняла" not in text


def test_a_trap_is_revealed_by_the_right_question_only(engine) -> None:
    solved = [GREETING, "Зажмите OK и громкость на пять секунд — пульт заново привяжется."]
    quiet, _ = run(engine, "remote_wink_financial_block", solved)
    assert quiet.trainee.revealed == [] and quiet.stage == "bridge"
    asked, _ = run(engine, "remote_wink_financial_block", solved + ["А у Вас нет задолженности по оплате?"])
    assert asked.trainee.revealed == ["financial_block"]
    assert client_lines(asked)[-1]["line"] == "trap:financial_block"
    assert asked.stage == "closing"  # the trainee's stage: nothing may be offered now


def test_pressure_after_a_refusal_makes_him_hang_up(engine) -> None:
    push = "Олег Анатольевич, подписка viju+ — всего 5 рублей в день, подключаем?"
    snapshot, replies = run(engine, "no_signal_viju_declines", [GREETING, "Переключите источник на HDMI.", push,
                                                                "Ну что Вы.", "Ну что Вы.", push, push])
    assert client_lines(snapshot)[-1]["line"] == "hang_up"
    assert snapshot.stage == "ended"
    assert replies[-1][-1].buttons  # the response code is asked for


def test_hints_name_the_stage_and_are_counted_in_the_scorecard(engine) -> None:
    snapshot = engine.start("trainee", scenario_id="virus_antivirus_think", seed=1).snapshot
    result = engine.handle(snapshot, Event(hint=True))
    assert "Приветствие" in result.replies[0].text and "Чем могу помочь?" in result.replies[0].text
    snapshot = result.snapshot
    result = engine.handle(snapshot, Event(text="/hint"))
    assert result.snapshot.trainee.hints == 2
    assert not result.snapshot.lines  # a hint is not a line of the call
    snapshot = engine.handle(result.snapshot, Event(hang_up=True)).snapshot
    snapshot = engine.handle(snapshot, Event(button="outcome:not_offered")).snapshot
    assert snapshot.finished and snapshot.trainee.scorecard["hints"] == 2


@pytest.mark.parametrize("text", ["", "   ", "🙂🙂🙂", "?" * 500, "{{ client }}", "SELECT * FROM x;", "а" * 5000,
                                  "\x00\x07", "Подключаем? Подключаем? Подключаем?", "/hint extra", "до свидания"])
def test_nothing_typed_breaks_him(engine, text) -> None:
    for scenario in ("slow_internet_speed_easy", "billing_conflict", "lyceum_child_on_line"):
        snapshot, _ = run(engine, scenario, [GREETING, text, text, "Перезагрузите роутер.", text, text])
        for line in client_lines(snapshot):
            assert line["text"] and "{" not in line["text"]


def test_direct_questions_are_answered_from_the_persona_and_never_fix_the_problem(engine) -> None:
    """«Кто у вас в семье пользуется интернетом?» gets his family, not «Так, слушаю Вас» nor a repeat of his
    complaint; a plain «понятно» fixes nothing."""
    snapshot, replies = run(engine, "slow_internet_speed_easy", [
        GREETING, "Кто у вас в семье пользуется интернетом?", "А какие устройства у вас подключены?",
        "Сколько вы сейчас платите за услуги?", "понятно"])
    said = [" ".join(reply.text for reply in turn) for turn in replies]
    assert said[1] == "Мы с мужем и сын-студент — вечером все сразу сидят: кто фильм, кто игры."
    assert said[2] == "Два ноутбука, телевизор с приставкой и телефоны у всех."
    assert said[3] == "Около девятисот рублей в месяц за всё вместе, точно не помню."
    assert "работает" not in said[4] and not snapshot.issue_resolved
    assert all(said[i] != said[i + 1] for i in range(len(said) - 1))


def _script(name: str, lines: int) -> list[str]:
    path = Path(__file__).parent / "scripts" / f"trainee_{name}_good.txt"
    return path.read_text(encoding="utf-8").splitlines()[:lines]


def test_a_polite_acceptance_of_the_third_objection_is_thanked_not_reproached(engine) -> None:
    """Three objections, the third accepted at once: «Спасибо, всего доброго», never «Вы меня не слышите»."""
    _, replies = run(engine, "speaker_mini_three_objections", _script("speaker_mini_three_objections", 6))
    said = [" ".join(reply.text for reply in turn) for turn in replies]
    assert said[4] == "Слушайте, я тороплюсь, некогда мне."  # the third objection
    assert said[5].startswith("Спасибо, всего доброго!") and "слыши" not in said[5]


def test_a_customer_who_is_not_the_owner_says_so(engine) -> None:
    _, replies = run(engine, "account_safe_kids_not_owner", _script("account_safe_kids_not_owner", 4))
    assert " ".join(reply.text for reply in replies[3]) == ("Это не мне решать: договор оформлен не на меня. "
                                                            "Посоветуюсь с владельцем договора.")
