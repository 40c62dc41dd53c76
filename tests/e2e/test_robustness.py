"""Whatever users send: media, edits, long texts, floods, fast double messages, failures — a polite answer or a
deliberate silence, never a crash and never silence after an error."""
from __future__ import annotations

import logging

import pytest
from aiogram.fsm.storage.base import StorageKey

from engine.records import Records

from .fake_telegram import User

MEDIA = {
    "sticker": {"file_id": "s1", "file_unique_id": "u", "type": "regular", "width": 512, "height": 512,
                "is_animated": False, "is_video": False},
    "photo": [{"file_id": "p1", "file_unique_id": "u", "width": 90, "height": 90}],
    "voice": {"file_id": "v1", "file_unique_id": "u", "duration": 3},
    "document": {"file_id": "d1", "file_unique_id": "u", "file_name": "scan.pdf"},
}


@pytest.mark.parametrize("kind", sorted(MEDIA))
async def test_media_gets_a_polite_answer(start_bot, user, live, kind):
    await start_bot()
    await user.send_raw(**{kind: MEDIA[kind]})
    [answer] = await user.receive()
    assert answer["text"] == live.content.label("tg_media_unsupported")


async def test_edited_messages_are_not_taken_as_turns(start_bot, user, live):
    bot = await start_bot()
    await user.send("Здравствуйте")
    await user.receive()
    await user.edit("352011070411, Журавлёв Егор")
    [answer] = await user.receive()
    assert answer["text"] == live.content.label("tg_edited_ignored")
    records = Records(bot.settings.db_path)
    try:
        [session] = records.sessions_of(str(user.id))
        assert not [t for t in records.turns(session["id"]) if t["role"] == "client"]
    finally:
        records.close()


async def test_a_very_long_text_is_refused_politely(start_bot, user):
    await start_bot(max_text_length=300)
    await user.send("очень " * 200)
    [answer] = await user.receive()
    assert "1200" in answer["text"] and "300" in answer["text"]


async def test_unknown_commands_and_group_chats(start_bot, user, live, tg):
    bot = await start_bot()
    await user.send("/frobnicate")
    [answer] = await user.receive()
    assert answer["text"] == live.content.label("tg_unknown_command")
    group_message = {"message_id": tg.new_message_id(), "date": 0, "from": user.person, "text": "всем привет",
                     "chat": {"id": -100500, "type": "supergroup", "title": "Операторы"}}
    update_id = await tg.push("message", group_message)
    await bot.handled(update_id)
    assert -100500 not in tg.chats  # ignored on purpose


async def test_a_flood_is_throttled_per_user(start_bot, user, live, tg):
    bot = await start_bot(throttle_rate=3, throttle_period=3600)
    calm = User(tg, 400004)
    flood = [await user.send("/help") for _ in range(8)]
    calm_update = await calm.send("/help")
    await bot.handled(*flood, calm_update)
    answers = [m["text"] for m in user.read_all()]
    assert answers[3:] == [live.content.label("tg_throttled")]  # told once, then ignored on purpose
    assert len(answers) == 4 and all("/train" in text for text in answers[:3])
    assert len(calm.read_all()) == 1  # another user is not affected


async def test_two_fast_messages_of_one_user_are_taken_in_order(start_bot, user):
    bot = await start_bot()
    await user.send("Здравствуйте")
    await user.receive()
    first = await user.send("352011070411, Журавлёв Егор")
    second = await user.send("вечером очень медленный интернет")
    await bot.handled(first, second)
    records = Records(bot.settings.db_path)
    try:
        [session] = records.sessions_of(str(user.id))
        turns = records.turns(session["id"])
        clients = [t["text"] for t in turns if t["role"] == "client"]
        assert clients == ["352011070411, Журавлёв Егор", "вечером очень медленный интернет"]
        assert [t["n"] for t in turns] == list(range(1, len(turns) + 1))  # no turn lost or written twice
    finally:
        records.close()
    texts = [m["text"] for m in user.read_all()]
    assert "Егор Петрович" in texts[0]


async def test_an_error_is_logged_with_context_and_apologised_for(start_bot, user, live, caplog):
    bot = await start_bot()
    greeted = await user.send("Здравствуйте")
    await user.receive()
    await bot.handled(greeted)  # its turn is over, its state written
    # the stored snapshot is damaged (say, by an incompatible deploy): the next turn cannot go on
    key = StorageKey(bot_id=bot.bot.id, chat_id=user.id, user_id=user.id)
    await bot.dispatcher.storage.set_data(key, {"snapshot": {"broken": True}})
    with caplog.at_level(logging.ERROR, logger="sobesednik.telegram"):
        update_id = await user.send("352011070411, Журавлёв Егор")
        [apology] = await user.receive()
        await bot.handled(update_id)
    assert apology["text"] == live.content.label("tg_apology")
    [record] = [r for r in caplog.records if "failed" in r.getMessage()]
    assert f"update {update_id} failed" in record.getMessage() and f"user {user.id}" in record.getMessage()
    assert "352011070411" in record.getMessage() and record.exc_info
    # the user is not stuck: /start, a mode, and a new conversation replaces the damaged one
    await user.send("/start")
    [menu] = await user.receive()
    await user.press(menu, live.content.label("tg_mode_customer"))
    [greeting] = await user.receive()
    assert "номер договора" in greeting["text"]
    await user.send("352011070411, Журавлёв Егор")
    [found] = await user.receive()
    assert "Егор Петрович" in found["text"]


async def test_a_stale_button_after_the_conversation_ended(start_bot, user, live, tg):
    bot = await start_bot()
    await user.send("Здравствуйте")
    await user.receive()
    await user.send("352011070411, Журавлёв Егор")
    await user.receive()
    await user.send("вечером очень медленный интернет")
    [*_, solution] = await user.receive_until(lambda m: bool(m.get("reply_markup", {}).get("inline_keyboard")))
    await user.send("/stop")
    await user.receive()
    update_id = await user.press(solution, live.content.label("issue_solved"))
    await bot.handled(update_id)
    assert tg.calls_of("answerCallbackQuery")[-1].params["text"] == live.content.label("tg_stale_button")
    assert user.read_all() == []
