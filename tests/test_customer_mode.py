"""Customer mode turn by turn: identification, topics as flows, the offer rules that must never bend."""
from __future__ import annotations

import datetime as dt

import pytest

from engine.content.loader import Content
from engine.conversation import Event, Snapshot
from engine.assistant.mode import BUTTON_AGREE, BUTTON_DECLINE
from engine.assistant.topics import BUTTON_HANDOFF
from engine.dialogue import DialogueEngine
from engine.understanding import Understanding

NOW = dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.timezone.utc)
EGOR = "352011070411, Журавлёв Егор"


@pytest.fixture(scope="module")
def engine(content: Content) -> DialogueEngine:
    return DialogueEngine(content, Understanding.load(content.dialogues), clock=lambda: NOW)


class Chat:
    """One conversation: send text or press buttons by label, as a front end would."""

    def __init__(self, engine: DialogueEngine, **options):
        self.engine = engine
        result = engine.start("customer", session_id="abcdef0123", seed=1, **options)
        self.snapshot: Snapshot = result.snapshot
        self.replies = result.replies

    def send(self, text: str = "", **event) -> list[str]:
        result = self.engine.handle(self.snapshot, Event(text=text, **event))
        self.snapshot, self.replies = result.snapshot, result.replies
        return [reply.text for reply in result.replies]

    def press(self, label: str) -> list[str]:
        buttons = {button.label: button.data for reply in self.replies for button in reply.buttons}
        assert label in buttons, f"no button {label!r} in {sorted(buttons)}"
        return self.send(button=buttons[label])

    @property
    def buttons(self) -> list[str]:
        return [button.label for reply in self.replies for button in reply.buttons]

    def said(self) -> str:
        return "\n".join(line.text for line in self.snapshot.lines if line.role == "operator")


def test_one_message_with_contract_name_and_issue_goes_straight_to_the_issue(engine: DialogueEngine) -> None:
    chat = Chat(engine)
    chat.send("Здравствуйте, договор 352011070411, Журавлёв Егор. У меня интернет тормозит вечером")
    assert chat.snapshot.identified and chat.snapshot.issue_topic == "slow_internet"
    assert chat.buttons  # the first step of the slow-internet flow, with its answers as buttons


def test_contract_and_name_identify_and_nothing_personal_is_said_before(engine: DialogueEngine) -> None:
    chat = Chat(engine)
    chat.send("медленный интернет")
    assert not chat.snapshot.identified
    assert "Егор" not in chat.said() and "Петрович" not in chat.said()
    chat.send("352011070411 Иванов Пётр")  # the right contract, the wrong name
    assert not chat.snapshot.identified
    replies = chat.send(EGOR)
    assert chat.snapshot.identified and chat.snapshot.customer_id == "demo_egor"
    # the issue written before identification is taken up at once, without asking for it again
    assert chat.snapshot.issue_topic == "slow_internet"
    assert chat.buttons == [engine.content.label("issue_solved"), engine.content.label("issue_unsolved")]
    assert "Егор Петрович" in replies[0]


def test_only_a_verified_own_phone_identifies(engine: DialogueEngine) -> None:
    typed = Chat(engine)
    typed.send("79141234501")  # demo_egor's phone, typed by anyone
    assert not typed.snapshot.identified
    shared = Chat(engine)
    shared.send(verified_phone="+7 914 123-45-01")
    assert shared.snapshot.identified and shared.snapshot.customer_id == "demo_egor"
    assert shared.snapshot.lines[-2].analysis["verified_phone"] is True
    unknown = Chat(engine)
    unknown.send(verified_phone="+7 900 000-00-00")
    assert not unknown.snapshot.identified


def test_a_preset_customer_is_the_only_one_who_can_be_identified(engine: DialogueEngine) -> None:
    chat = Chat(engine, customer_id="demo_irina")
    chat.send(EGOR)
    assert not chat.snapshot.identified
    chat.send("352011070412 Ковалёва Ирина")
    assert chat.snapshot.identified and chat.snapshot.customer_id == "demo_irina"


def test_three_failed_identifications_go_to_a_human_without_an_offer(engine: DialogueEngine) -> None:
    chat = Chat(engine)
    for text in ("не помню", "правда не помню", "123"):
        chat.send(text)
    assert chat.snapshot.finished and chat.snapshot.offers == []
    assert chat.snapshot.assistant.handoff == "not_identified"
    assert chat.snapshot.path[-2:] == ["closing", "ended"]


def test_a_flow_goes_step_by_step_and_an_unsolved_issue_becomes_a_ticket(engine: DialogueEngine) -> None:
    chat = Chat(engine)
    chat.send(EGOR)
    chat.send("интернет тормозит")
    chat.send("нет, не помогло")  # typed, not pressed: «не помогло» outweighs «помогло»
    assert chat.snapshot.assistant.step == "wifi"
    chat.send("нет, всё так же")
    tickets = [t.model_dump() for t in chat.snapshot.assistant.tickets]
    assert [(t["kind"], t["service"]) for t in tickets] == [("repair", "internet")]
    assert tickets[0]["number"] in chat.said()
    assert not chat.snapshot.issue_resolved
    # not solved on the 1st line: only Гарантия+ may follow (seed 000), never the speed option
    assert [offer.product for offer in chat.snapshot.offers] in ([], ["guarantee_plus"])


def test_an_answer_that_fits_no_button_asks_again_with_the_same_buttons(engine: DialogueEngine) -> None:
    chat = Chat(engine)
    chat.send(EGOR)
    chat.send("интернет тормозит")
    before = chat.buttons
    chat.send("абракадабра")
    assert chat.buttons == before and chat.snapshot.assistant.step == "reboot"


def test_the_customer_may_switch_topic_mid_flow(engine: DialogueEngine) -> None:
    chat = Chat(engine)
    chat.send(EGOR)
    chat.send("интернет тормозит")
    chat.send("а ещё не работает пульт")
    assert chat.snapshot.issue_topic == "remote_control"


def test_a_third_objection_is_never_worked(engine: DialogueEngine) -> None:
    chat = Chat(engine)
    chat.send(EGOR)
    chat.send("интернет тормозит")
    chat.press(engine.content.label("issue_solved"))
    chat.send("дорого")
    chat.send("мне это не нужно")
    assert chat.snapshot.stage == "objection_handling" and chat.snapshot.objections == 2
    replies = chat.send("нет времени на это")
    offer, = chat.snapshot.offers
    assert (offer.response, offer.objections) == ("not_interested", 2)
    assert chat.snapshot.finished and chat.buttons == []
    assert all("Подключаем?" not in reply for reply in replies)


def test_no_offer_after_a_refusal_in_the_same_conversation(engine: DialogueEngine) -> None:
    chat = Chat(engine)
    chat.send(EGOR)
    chat.send("интернет тормозит")
    chat.press(engine.content.label("issue_solved"))
    chat.send(button=BUTTON_DECLINE)
    assert [(o.product, o.response) for o in chat.snapshot.offers] == [("speed_boost", "not_interested")]
    assert chat.snapshot.finished
    assert chat.send("а ещё у меня вирус") == [] and len(chat.snapshot.offers) == 1


def test_an_agreement_is_an_order_and_a_pressed_button_reads_as_its_label(engine: DialogueEngine) -> None:
    chat = Chat(engine)
    chat.send(EGOR)
    chat.send("интернет тормозит")
    chat.press(engine.content.label("issue_solved"))
    chat.send(button=BUTTON_AGREE)  # Telegram sends the data only
    assert chat.snapshot.orders == ["speed_boost"]
    assert chat.snapshot.offers[0].response == "agreed"
    pressed = [line for line in chat.snapshot.lines if line.analysis.get("button") == BUTTON_AGREE]
    assert [line.text for line in pressed] == [engine.content.label("offer_agree")]


@pytest.mark.parametrize("stage_lines", [[], [EGOR], [EGOR, "интернет тормозит", "Да, помогло"]],
                         ids=["before identification", "at the issue", "during the offer"])
def test_a_human_is_called_at_any_moment(engine: DialogueEngine, stage_lines: list[str]) -> None:
    chat = Chat(engine)
    for text in stage_lines:
        chat.send(text)
    chat.send("позовите живого человека")
    assert chat.snapshot.finished and chat.snapshot.assistant.handoff == "operator"
    assert chat.snapshot.lines[-2].analysis["handoff"] == "operator"
    assert chat.snapshot.orders == []
    # an offer the customer did not answer keeps the default code (seed 000)
    assert all(offer.response == "not_offered" for offer in chat.snapshot.offers)
    if not stage_lines:
        assert "Егор" not in chat.said()


def test_the_handoff_button_of_the_fallback_calls_a_human(engine: DialogueEngine) -> None:
    chat = Chat(engine)
    chat.send(EGOR)
    chat.send("какая завтра погода?")
    assert engine.content.label("handoff_button") in chat.buttons
    assert engine.content.topics["balance"].name in chat.buttons  # the fallback shows what it can help with
    chat.send(button=BUTTON_HANDOFF)
    assert chat.snapshot.assistant.handoff == "operator" and chat.snapshot.finished


def test_a_menu_button_starts_its_topic(engine: DialogueEngine) -> None:
    chat = Chat(engine)
    chat.send(EGOR)
    chat.send("какая завтра погода?")
    chat.press(engine.content.topics["balance"].name)
    assert chat.snapshot.issue_topic == "balance"
    assert "224,55" in chat.said()  # the balance comes from the customer's own profile


def test_opt_out_records_every_channel_named_and_stops_offers(engine: DialogueEngine) -> None:
    chat = Chat(engine)
    chat.send("352011070415 Орлова Светлана")
    chat.send("надоела реклама, отпишите меня")
    assert chat.snapshot.assistant.step == "choose"
    replies = chat.send("смс и email")
    assert chat.snapshot.assistant.opt_outs == ["sms_viber", "email"]
    assert "записала Ваш отказ от рекламы: СМС и Viber, письма на email." in replies[0]  # not «— СМС/Viber, Email»
    chat.press("Отключить ещё")
    chat.press("Реклама на ТВ")
    chat.press("Это всё, спасибо")
    assert chat.snapshot.assistant.opt_outs == ["sms_viber", "email", "tv_ads"]
    assert chat.snapshot.issue_resolved and chat.snapshot.offers == [] and chat.snapshot.finished


def test_a_complaint_said_alongside_the_issue_stops_selling(engine: DialogueEngine) -> None:
    chat = Chat(engine)
    chat.send(EGOR)
    chat.send("Безобразие! Интернет опять тормозит, буду жаловаться!")
    assert chat.snapshot.issue_topic == "slow_internet" and "conflict" in chat.snapshot.stop_reasons
    chat.press(engine.content.label("issue_solved"))
    assert chat.snapshot.offers == []
    decision = next(line.analysis["offer_decision"] for line in chat.snapshot.lines
                    if "offer_decision" in line.analysis)
    assert decision["product"] is None and "conflict" in decision["held_back"]["speed_boost"]


def test_an_angry_unsolved_problem_is_registered_never_thanked_for(engine: DialogueEngine) -> None:
    chat = Chat(engine)
    chat.send(EGOR)
    chat.send("опять не работает интернет, задолбали")
    replies = chat.send("нет")
    assert [t.kind for t in chat.snapshot.assistant.tickets] == ["complaint"]
    assert not chat.snapshot.issue_resolved and chat.snapshot.offers == []
    said = " ".join(replies)
    assert "я зарегистрировала Вашу жалобу, номер обращения" in said
    assert "рада, что смогла" not in said.lower() and "визит" not in said


def test_a_greeting_uses_up_no_identification_attempt(engine: DialogueEngine) -> None:
    chat = Chat(engine)
    replies = chat.send("привет")
    assert replies == ["Здравствуйте! Чтобы я могла помочь, сначала найду Ваш договор: напишите, пожалуйста, его "
                       "номер и фамилию и имя владельца."]
    for attempt in ("123", "не помню"):
        chat.send(attempt)
    assert not chat.snapshot.finished and chat.snapshot.assistant.attempts == 2
    chat.send(EGOR)
    assert chat.snapshot.identified


def test_after_identification_a_greeting_is_asked_about_and_a_topic_is_asked_again_before_a_human(
        engine: DialogueEngine) -> None:
    chat = Chat(engine)
    chat.send(EGOR)
    replies = chat.send("добрый день")
    assert replies[0].startswith("Егор Петрович, слушаю Вас. Расскажите, пожалуйста, с каким вопросом")
    replies = chat.send("ну это самое, как его")
    assert not chat.snapshot.finished and chat.snapshot.assistant.handoff is None
    assert "я пока не поняла, с чем нужна помощь" in replies[0] and engine.content.label("handoff_button") in chat.buttons
    chat.send("пульт не переключает каналы")
    assert chat.snapshot.issue_topic == "remote_control"


def test_a_broken_remote_gets_the_remote_flow_not_the_socket_advice(engine: DialogueEngine) -> None:
    chat = Chat(engine)
    chat.send(EGOR)
    replies = chat.send("пульт сломался")
    assert chat.snapshot.issue_topic == "remote_control"
    assert replies[0].startswith("Егор Петрович, давайте настроим пульт.") and "розетк" not in " ".join(replies)


def test_a_global_problem_is_explained_not_ticketed(engine: DialogueEngine) -> None:
    chat = Chat(engine)
    chat.send("352011070421 Крылов Денис")
    chat.send("не показывает телевизор, нет сигнала")  # tv rides on the internet that is in the ГП zone
    assert chat.snapshot.assistant.result == "outage"
    assert not chat.snapshot.assistant.tickets and chat.snapshot.offers == []


def test_a_complaint_handed_to_a_specialist_keeps_its_ticket(engine: DialogueEngine) -> None:
    chat = Chat(engine)
    chat.send(EGOR)
    chat.send("хочу оставить жалобу на ваше обслуживание")
    assert chat.snapshot.issue_topic == "complaint" and "conflict" in chat.snapshot.stop_reasons
    chat.send("да, передайте специалисту")  # «специалист» alone would call a human without the complaint
    assert chat.snapshot.assistant.handoff == "complaint"
    assert [t["kind"] for t in [t.model_dump() for t in chat.snapshot.assistant.tickets]] == ["complaint"]
    assert chat.snapshot.offers == [] and chat.snapshot.finished
