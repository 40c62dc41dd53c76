"""Customer mode in Telegram: anyone who writes is a customer; identification, the issue, one offer, buttons."""
from __future__ import annotations

import json

from engine.customers import import_customers
from engine.records import Records

from .fake_telegram import User, buttons_of, has_buttons


def contact_keyboard(message) -> bool:
    rows = (message.get("reply_markup") or {}).get("keyboard") or []
    return any(button.get("request_contact") for row in rows for button in row)


async def test_a_customer_is_identified_solves_the_issue_and_agrees(start_bot, user, live, tg):
    bot = await start_bot()
    await user.send("Здравствуйте")
    [greeting] = await user.receive()
    assert "Ника" in greeting["text"] and "номер договора" in greeting["text"]
    assert contact_keyboard(greeting)  # «share my number» under the input field while not identified
    await user.send("352011070411, Журавлёв Егор")
    [found] = await user.receive()
    assert "Егор Петрович" in found["text"]
    assert found["reply_markup"] == {"remove_keyboard": True}
    await user.send("вечером очень медленный интернет, ничего не грузится")
    [solution] = await user.receive_until(has_buttons)
    assert buttons_of(solution) == [live.content.label("issue_solved"), live.content.label("issue_unsolved")]
    await user.press(solution, live.content.label("issue_solved"))
    offer_messages = await user.receive_until(has_buttons)
    offer = offer_messages[-1]
    assert "3 рубля в день" in offer["text"]
    assert buttons_of(offer) == [live.content.label(i) for i in ("offer_agree", "offer_details", "offer_decline")]
    assert all(len(m["text"]) <= 1200 for m in offer_messages)  # a phone screen each
    await user.press(offer, live.content.label("offer_agree"))
    closing = await user.receive_until(lambda m: live.content.label("tg_session_over") in m["text"])
    assert any("спасибо за доверие" in m["text"] for m in closing)
    records = Records(bot.settings.db_path)
    try:
        [session] = records.sessions_of(str(user.id), "customer")
        assert session["status"] == "finished"
        assert [(o["product"], o["customer_id"]) for o in records.orders(session["id"])] == [
            ("speed_boost", "demo_egor")]
        assert [(o["product"], o["response"]) for o in records.offers(session["id"])] == [("speed_boost", "agreed")]
    finally:
        records.close()


async def test_a_first_message_with_the_contract_counts(start_bot, user):
    await start_bot()
    await user.send("352011070411 Журавлёв Егор")
    greeting, found = await user.receive(2)
    assert "номер договора" in greeting["text"] and "Егор Петрович" in found["text"]


async def test_only_ones_own_contact_identifies(start_bot, user, live, tg):
    bot = await start_bot()
    await user.send("Добрый день")
    await user.receive()
    await user.share_contact("+7 914 123-45-01", owner_id=555)  # somebody else's card, a customer's number
    [refusal] = await user.receive()
    assert refusal["text"] == live.content.label("tg_contact_not_own")
    await user.share_contact("+7 914 123-45-01")  # his own: the verified phone identifies him
    [answer] = await user.receive()
    assert "Егор Петрович" in answer["text"]
    records = Records(bot.settings.db_path)
    try:
        [session] = records.sessions_of(str(user.id), "customer")
        client_turns = [t["text"] for t in records.turns(session["id"]) if t["role"] == "client"]
        assert client_turns == ["79141234501"]
        assert session["customer_id"] == "demo_egor"
    finally:
        records.close()


async def test_two_customers_do_not_share_a_conversation(start_bot, tg):
    await start_bot()
    egor, other = User(tg, 200001, "Егор"), User(tg, 200002, "Ольга")
    await egor.send("Здравствуйте")
    await other.send("Здравствуйте")
    await egor.receive()
    await other.receive()
    await egor.send("352011070411, Журавлёв Егор")
    await other.send("352011070411, Журавлёв Егор")
    [a] = await egor.receive()
    [b] = await other.receive()
    assert "Егор Петрович" in a["text"] and "Егор Петрович" in b["text"]
    await egor.send("/stop")
    [stopped] = await egor.receive_until(lambda m: "/start" in m["text"])
    await other.send("вечером очень медленный интернет")
    [solution] = await other.receive_until(has_buttons)  # her conversation went on
    assert solution


async def test_the_bot_identifies_customers_of_its_sqlite_base(start_bot, user, tg, tmp_path):
    base_file = tmp_path / "base.json"
    base_file.write_text(json.dumps([{
        "id": "c_1001", "contract": "552200110033", "first_name": "Ольга", "patronymic": "Игоревна",
        "last_name": "Кравец", "gender": "f", "phone": "79145550011",
        "profile": {"services": ["internet"], "payment": "credit"},
    }], ensure_ascii=False), encoding="utf-8")
    bot = await start_bot(own_content=True)
    live = bot.services.live
    report = import_customers(base_file, live.content, bot.services.records)
    assert report.ok and report.written == 1
    await user.send("Здравствуйте")
    await user.receive()
    await user.send("352011070411, Журавлёв Егор")  # a demo customer: the base is not empty any more
    [not_found] = await user.receive()
    assert "Егор Петрович" not in not_found["text"]
    await user.send("552200110033 Кравец Ольга")
    [found] = await user.receive()
    assert "Ольга Игоревна" in found["text"]


# The port-out SMS («Мы начали переносить ваш номер…») carries the link t.me/<bot>?start=retention_mnp.
PORT_OUT_LINK = "/start retention_mnp"
VITALY = "Кравец Виталий Сергеевич, паспорт 4515 208731"


async def to_the_first_offer(user) -> None:
    """From the SMS link to the first rung of the price ladder: the link, his passport, «дорого»."""
    await user.send(PORT_OUT_LINK)
    await user.receive()
    await user.send(VITALY)
    await user.receive()
    await user.send("Дорого, у другого оператора дешевле")
    await user.receive_until(lambda m: "скидка 15 %" in m["text"])


def retention_row(bot, user) -> dict:
    records = Records(bot.settings.db_path)
    try:
        [session] = records.sessions_of(str(user.id), "customer")
        assert session["status"] == "finished"
        return {**records.retention(session["id"]), "offers": records.offers(session["id"])}
    finally:
        records.close()


async def test_the_port_out_link_opens_the_retention_chat_and_only_his_yes_cancels_the_request(start_bot, user,
                                                                                               live):
    bot = await start_bot()
    await user.send(PORT_OUT_LINK)
    [greeting] = await user.receive()
    assert "переносить номер" in greeting["text"] and "паспорт" in greeting["text"]
    assert not contact_keyboard(greeting)  # a shared phone does not prove who owns the number
    await user.send("Кравец Виталий, паспорт 4515 000000")  # a wrong passport discloses nothing
    [retry] = await user.receive()
    assert "не совпадают" in retry["text"] and "Сергеевич" not in retry["text"]
    await user.send(VITALY)
    [identified] = await user.receive()
    assert "Виталий Сергеевич, данные совпадают" in identified["text"]
    await user.send("Дорого у вас, у другого оператора дешевле")  # the carrier he leaves for is no hand-off
    [offer] = await user.receive_until(lambda m: "?" in m["text"].splitlines()[-1])
    assert "скидка 15 %" in offer["text"]
    await user.send("Всё равно дорого")
    [rung] = await user.receive_until(lambda m: "5 рублей в сутки" in m["text"])  # one rung up the ladder
    await user.send("Хорошо, остаюсь")
    [consent] = await user.receive_until(has_buttons)
    assert "согласны" in consent["text"]
    assert buttons_of(consent) == [live.content.label("yes_button"), live.content.label("no_button")]
    await user.press(consent, live.content.label("yes_button"))
    closing = await user.receive_until(lambda m: live.content.label("tg_session_over") in m["text"])
    assert any("Заявление на перенос номера отменено" in m["text"] for m in closing)
    row = retention_row(bot, user)
    assert (row["customer_id"], row["reason"], row["request_cancelled"]) == ("demo_vitaly_mnp", "price", 1)
    assert row["winback_consent"] is None and row["flash_text"] is None


async def test_a_no_to_cancelling_keeps_the_request_and_winback_consent_is_recorded(start_bot, user, live):
    bot = await start_bot()
    await to_the_first_offer(user)
    await user.send("Да, подходит")
    [consent] = await user.receive_until(has_buttons)
    await user.press(consent, live.content.label("no_button"))
    [winback] = await user.receive_until(has_buttons)
    assert "через 60 дней" in winback["text"]
    await user.press(winback, live.content.label("yes_button"))
    await user.receive_until(lambda m: live.content.label("tg_session_over") in m["text"])
    row = retention_row(bot, user)
    assert not row["request_cancelled"]  # he said «нет»: the request stands
    assert row["winback_consent"] == 1


async def test_one_who_wants_to_think_gets_a_flash_note_and_may_refuse_winback(start_bot, user, live):
    bot = await start_bot()
    await to_the_first_offer(user)
    for answer in ("Мне надо подумать", "Я ещё подумаю", "Нет, я подумаю и потом решу"):
        await user.send(answer)
        [last] = await user.receive_until(lambda m: "?" in m["text"])
    assert "отметку в Вашей карточке" in last["text"] and "через 60 дней" in last["text"]
    await user.press(last, live.content.label("no_button"))
    await user.receive_until(lambda m: live.content.label("tg_session_over") in m["text"])
    row = retention_row(bot, user)
    assert not row["request_cancelled"] and row["winback_consent"] == 0
    assert row["flash_text"] == live.content.products["mnp_discount_35"].name
    assert row["flash_from"] < row["flash_to"]


async def test_three_wrong_identifications_end_politely_disclosing_nothing(start_bot, user):
    bot = await start_bot()
    await user.send(PORT_OUT_LINK)
    await user.receive()
    for attempt in ("Иванов Иван, 1234 567890", "Кравец Виталий, 4515 111111", "Кравец, Тула, 12.03.1985"):
        await user.send(attempt)
    replies = await user.receive_until(lambda m: "салон связи" in m["text"])
    text = " ".join(m["text"] for m in replies)
    assert "Сергеевич" not in text and "Тинькофф" not in text and "15 %" not in text
    records = Records(bot.settings.db_path)
    try:
        [session] = records.sessions_of(str(user.id), "customer")
        assert records.retention(session["id"]) is None or not records.retention(session["id"])["request_cancelled"]
    finally:
        records.close()


async def test_an_unknown_start_link_shows_the_usual_start(start_bot, user, live):
    await start_bot()
    await user.send("/start no_such_campaign")
    [start] = await user.receive()
    assert buttons_of(start) == [live.content.label("tg_mode_customer"), live.content.label("tg_mode_trainee")]
