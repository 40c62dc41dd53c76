"""Trainee mode in Telegram: choose a scenario with a button, play the call, pick the response code, see history."""
from __future__ import annotations

from engine.records import Records

from .fake_telegram import buttons_of, has_buttons

SCENARIO = "slow_internet_speed_easy"
GOOD_CALL = [
    "Добрый день! Компания Ростелеком, меня зовут Анна. Чем могу помочь?",
    "Давайте перезагрузим роутер: выключите его из розетки на 30 секунд и включите снова.",
    "Рада, что смогла помочь, Елена Викторовна! Для Вас есть опция «+100 Мбит/с»: фильмы без задержек, "
    "всего 3 рубля в день. Подключаем?",
    "Понимаю Вас, Елена Викторовна, важно не переплачивать. Цена — единственное, что останавливает? Вы получите "
    "максимальную скорость без задержек. Всего 3 рубля в день — выгодно, подключаем?",
    "Отлично! Спасибо за обращение, всего доброго!",
]


def code_labels(live) -> list[str]:
    """The response codes of the scenario's call type, in the order its YAML lists them."""
    call_type = live.content.call_type_of(live.content.scenarios[SCENARIO])
    return [live.content.response_codes[code].label for code in call_type.codes]


def scenario_label(live, scenario_id: str) -> str:
    scenario = live.content.scenarios[scenario_id]
    return f"{live.content.label('difficulty_' + scenario.difficulty)} · {scenario.title}"


async def choose_scenario(user, live, scenario_id: str = SCENARIO):
    """/train → the call type's button → the scenario's button; the note that starts the call."""
    call_type = live.content.call_type_of(live.content.scenarios[scenario_id])
    await user.send("/train")
    [types] = await user.receive()
    await user.press(types, call_type.name)
    [menu] = await user.receive()
    assert menu["text"] == live.content.label("tg_train_title")
    await user.press(menu, scenario_label(live, scenario_id))
    [intro] = await user.receive()
    return intro


async def test_train_asks_for_the_call_type_then_lists_only_its_scenarios(start_bot, user, live):
    await start_bot()
    await user.send("/train")
    [types] = await user.receive()
    content = live.content
    assert buttons_of(types) == [call_type.name for call_type in content.call_types.values()]
    assert all(call_type.description in types["text"] for call_type in content.call_types.values())
    for call_type in content.call_types.values():
        await user.press(types, call_type.name)
        [menu] = await user.receive()
        own = [s.id for s in content.scenarios.values() if content.call_type_of(s).id == call_type.id]
        assert sorted(buttons_of(menu)) == sorted(scenario_label(live, s) for s in own)
    # a retention scenario starts a retention call: the customer answers the phone, the codes are its own
    intro = await choose_scenario(user, live, "retention_price_stays")
    assert content.scenarios["retention_price_stays"].title in intro["text"]
    [picked_up] = await user.receive()  # he picks up the phone before the operator says a word
    assert picked_up["text"] and not picked_up["text"].startswith("<i>")
    await user.send("Виталий Сергеевич, добрый день! Меня зовут Карина, компания Ростелеком. Звоню по поводу "
                    "Вашего заявления на перенос номера.")
    [client] = await user.receive()
    assert client["text"] and not client["text"].startswith("<i>")
    await user.send("/stop")
    [choice] = await user.receive()
    retention = content.call_types["retention_mnp"]
    assert buttons_of(choice) == [content.response_codes[code].label for code in retention.codes]


async def test_a_stale_call_type_button_is_refused_politely(start_bot, user, live, tg):
    await start_bot()
    await user.send("/train")
    [types] = await user.receive()
    types["reply_markup"]["inline_keyboard"][0][0]["callback_data"] = "ct:no_such_call"
    await user.press(types, next(iter(live.content.call_types.values())).name)
    await tg.wait_for(lambda: tg.calls_of("answerCallbackQuery"))
    assert tg.calls_of("answerCallbackQuery")[-1].params["text"] == live.content.label("tg_stale_button")


async def test_a_whole_training_with_buttons(start_bot, user, live, tg, tmp_path):
    bot = await start_bot(typing_after=0)  # «typing…» before every answer, however quick
    intro = await choose_scenario(user, live)
    scenario = live.content.scenarios[SCENARIO]
    assert scenario.title in intro["text"] and intro["text"].startswith("<i>")  # a note, not the customer
    # the scenario menu's buttons are not pressed here (it stays a menu); the call starts
    client_lines = []
    for line in GOOD_CALL:
        await user.send(line)
        client_lines.append((await user.receive())[0]["text"])
    assert "352011070412" in client_lines[0]  # she introduces herself with her contract
    assert "работает" in client_lines[1]
    assert "дорого" in client_lines[2].lower()  # the scenario's price objection
    assert "подключайте" in client_lines[3].lower()
    # the goodbye is followed by the choice of the response code, as inline buttons
    [choice] = await user.receive_until(has_buttons)
    assert buttons_of(choice) == code_labels(live)
    await user.press(choice, "Клиент согласен")
    saved, over = await user.receive(2)
    assert "Клиент согласен" in saved["text"]
    assert over["text"] == f"<i>{live.content.label('tg_session_over')}</i>"
    # the pressed message was edited: the choice is shown and its buttons are gone
    edited = next(m for m in tg.chats[user.id].messages if m["message_id"] == choice["message_id"])
    assert edited["text"].endswith("» Клиент согласен") and not has_buttons(edited)
    assert tg.calls_of("answerCallbackQuery")
    assert {c.params["action"] for c in tg.calls_of("sendChatAction")} == {"typing"}
    # the records have the finished session with every turn
    records = Records(bot.settings.db_path)
    try:
        [session] = records.sessions_of(str(user.id), "trainee")
        assert session["status"] == "finished" and session["channel"] == "telegram"
        assert session["score"] is not None  # the scorecard of the session is recorded
        operator_turns = [t["text"] for t in records.turns(session["id"]) if t["role"] == "operator"]
        assert operator_turns == GOOD_CALL
    finally:
        records.close()
    # and the trainee sees it in /history
    await user.send("/history")
    [history] = await user.receive()
    assert f"«{scenario.title}»: {round(session['score'])} балл" in history["text"]


async def test_hint_follows_the_stage_of_the_call(start_bot, user, live):
    await start_bot()
    await user.send("/hint")
    [outside] = await user.receive()
    assert outside["text"] == live.content.label("tg_hint_trainee_only")
    await choose_scenario(user, live)
    await user.send("/hint")
    [greeting_hint] = await user.receive()
    assert "Чем могу помочь?" in greeting_hint["text"]  # hints/greeting.j2
    await user.send(GOOD_CALL[0])
    await user.receive()
    await user.send("/hint")
    [issue_hint] = await user.receive()
    assert "Елена Викторовна, давайте разберёмся" in issue_hint["text"]  # hints/issue.j2 with the persona's name


async def test_stop_asks_for_the_response_code_then_ends(start_bot, user, live, tg):
    await start_bot()
    await user.send("/stop")
    [nothing] = await user.receive()
    assert nothing["text"] == live.content.label("tg_nothing_to_stop")
    await choose_scenario(user, live)
    await user.send(GOOD_CALL[0])
    await user.receive()
    await user.send("/stop")
    [choice] = await user.receive()
    assert buttons_of(choice) == code_labels(live)
    await user.send("/stop")
    [stopped] = await user.receive()
    assert stopped["text"] == live.content.label("tg_stopped")
    # the old buttons no longer act on anything
    await user.press(choice, "Не предлагалось")
    await user.send("/hint")
    [after] = await user.receive()
    assert after["text"] == live.content.label("tg_hint_trainee_only")
    assert tg.calls_of("answerCallbackQuery")[-1].params["text"] == live.content.label("tg_stale_button")
