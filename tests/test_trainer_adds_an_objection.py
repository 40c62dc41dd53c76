"""A trainer adds an objection type in YAML and Jinja2 alone — «не доверяю» — and sees it recognised in lines it
was not taught, answered by the self-service bot with his В.З.О.Р module, raised by a simulated customer of his
scenario, and judged by the scorecard (counted, its answer checked, his module suggested). No Python changes."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from engine.content.loader import DEFAULT_DIALOGUES, DEFAULT_SCRIPTS, Content, load_content
from engine.conversation import Event
from engine.dialogue import DialogueEngine
from engine.score_cli import parse_input
from engine.scorecard import score_dialogue
from engine.understanding import Understanding, run_classify

pytestmark = pytest.mark.xdist_group("trainer_objection")  # one worker trains the trainer's model once

TRUST_LEXICON = """\
intents:
  objection_trust:
    kind: objection
    examples:
      - я вам не доверяю
      - опять обманете
      - вам верить нельзя
      - вы всегда обманываете людей
      - не верю я вашим обещаниям
      - знаю я ваши бесплатные периоды, потом спишут втридорога
      - сначала бесплатно, а потом деньги снимете, знаю я вас
      - в прошлый раз тоже обещали, а обманули
      - нет доверия к вашей компании
      - опять какой-то развод
      - спишете втихую, а я потом разбирайся
      - как обычно спишут лишнее, не доверяю я вам
"""
TRUST_OBJECTION = """\
  - id: objection_trust
    name: Не доверяю
    template: objections/objection_trust.j2
"""
TRUST_ANSWER = """\
Понимаю Ваши сомнения: доверие нужно заслужить.

Скажите, что именно Вас настораживает — условия или списания?

Все условия {{ product.name }} придут Вам в СМС, и Вы получите полный контроль: отключить можно в любой момент в личном кабинете.

Согласитесь, так спокойнее? Подключаем?
"""
TRUST_LINE = "Ой, не знаю. Вы потом втихую спишете лишнее, как это обычно бывает, я вам не доверяю."
TRUST_SCENARIO = """\
  - id: trust_speed
    title: Медленный интернет → «+100 Мбит/с», клиентка не доверяет
    difficulty: medium
    persona: {first_name: Елена, patronymic: Викторовна, last_name: Смирнова, gender: f, mood: calm, patience: 3}
    contract: "352011070499"
    customer: {services: [internet, tv], payment: credit}
    call: {issue_service: internet}
    topic: slow_internet
    issue_text: вечером интернет очень медленный, фильмы не грузятся
    issue_details: тормозит каждый вечер, и на ноутбуке, и на телевизоре
    offers: [speed_boost]
    objections: [objection_trust]
    final_answer: agree
    expected_outcome: agreed
"""
GREETING = "Добрый день! Компания Ростелеком, меня зовут Анна. Чем могу помочь?"
FIX = "Давайте перезагрузим роутер: выключите его из розетки на 30 секунд и включите снова."
OFFER = ("Рада, что смогла помочь, Елена Викторовна! Для Вас есть опция «+100 Мбит/с»: фильмы без задержек, "
         "всего 3 рубля в день. Подключаем?")


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + text, encoding="utf-8")


@pytest.fixture(scope="module")
def taught(tmp_path_factory: pytest.TempPathFactory) -> tuple[Content, Understanding]:
    root = tmp_path_factory.mktemp("trainer")
    dialogues, scripts = root / "dialogues", root / "scripts_ru"
    shutil.copytree(DEFAULT_DIALOGUES, dialogues)
    shutil.copytree(DEFAULT_SCRIPTS, scripts)
    (dialogues / "lexicon" / "trust.yaml").write_text(TRUST_LEXICON, encoding="utf-8")
    _append(dialogues / "objections.yaml", TRUST_OBJECTION)
    _append(dialogues / "scenarios" / "slow_internet_easy.yaml", "\n" + TRUST_SCENARIO)
    (scripts / "objections" / "objection_trust.j2").write_text(TRUST_ANSWER, encoding="utf-8")
    (scripts / "client" / "objections" / "objection_trust.j2").write_text(TRUST_LINE, encoding="utf-8")
    content = load_content(dialogues, scripts)
    return content, Understanding.load(content.dialogues)


def test_it_is_recognised_in_lines_it_was_not_taught(taught) -> None:
    content, nlu = taught
    assert nlu.intent_kind("objection_trust") == "objection"
    assert nlu.client_intent("не доверяю я вашей компании").intent == "objection_trust"
    assert nlu.client_intent("вы меня опять обманете").intent == "objection_trust"
    assert nlu.client_intent("дорого").intent == "objection_price"
    written: list[str] = []
    assert run_classify("client", ["вам я не доверяю".encode()], written.append, content.dialogues) == 0
    assert json.loads(written[0])["intent"] == "objection_trust"
    assert Understanding.load(content.dialogues) is nlu  # unchanged files: the same, cached


def test_the_self_service_bot_answers_it_with_the_trainers_module(taught) -> None:
    content, nlu = taught
    engine = DialogueEngine(content, nlu)
    result = engine.start("customer", session_id="trust00001", seed=1)
    for text in ("352011070411, Журавлёв Егор", "интернет тормозит"):
        result = engine.handle(result.snapshot, Event(text=text))
    solved = {b.label: b.data for reply in result.replies for b in reply.buttons}[content.label("issue_solved")]
    result = engine.handle(result.snapshot, Event(button=solved))
    assert result.snapshot.offers, "an offer follows the solved issue"
    result = engine.handle(result.snapshot, Event(text="не верю я вам, опять потом деньги снимете"))
    said = " ".join(reply.text for reply in result.replies)
    assert "доверие нужно заслужить" in said and "что именно Вас настораживает" in said
    assert result.snapshot.objections == 1


def test_his_simulated_customer_raises_it_and_the_scorecard_judges_it(taught) -> None:
    content, nlu = taught
    engine = DialogueEngine(content, nlu)
    result = engine.start("trainee", scenario_id="trust_speed", seed=1)
    for line in (GREETING, FIX, OFFER):
        result = engine.handle(result.snapshot, Event(text=line))
    assert TRUST_LINE in " ".join(reply.text for reply in result.replies)

    def scored(answer: str) -> dict:
        turns = [("operator", GREETING), ("client", "вечером интернет очень медленный"), ("operator", FIX),
                 ("client", "да, заработало, спасибо"), ("operator", OFFER), ("client", TRUST_LINE),
                 ("operator", answer), ("client", "ладно, давайте"),
                 ("operator", "Подключила. Спасибо за обращение, всего доброго!")]
        dialogue = {"client_name": "Елена Викторовна", "outcome": "agreed", "scenario": "trust_speed",
                    "turns": [{"role": role, "text": text} for role, text in turns]}
        return score_dialogue(parse_input(json.dumps(dialogue)), content, nlu).as_json()

    pushed = scored("Да нормальная опция, подключаем?")
    assert pushed["checks"]["vzor"] is False
    assert any("доверие нужно заслужить" in line for line in pushed["feedback"]), "his module is suggested"
    worked = scored("Понимаю Ваши сомнения, Елена Викторовна. Что именно Вас настораживает? Все условия придут "
                    "в СМС, Вы получите полный контроль и отключите опцию в любой момент. Согласитесь, так "
                    "спокойнее? Подключаем?")
    assert worked["checks"]["vzor"] is True and worked["checks"]["objections_worked"] == 1
    assert worked["score"] > pushed["score"]


# Last of the module: on a fresh clone the trainer's model above trains while the shipped one still does.
def test_the_shipped_content_knows_no_such_objection() -> None:
    assert "objection_trust" not in Understanding.load(DEFAULT_DIALOGUES).intents()
