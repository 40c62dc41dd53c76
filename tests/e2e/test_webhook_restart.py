"""Webhook mode with the secret token checked on every request; Redis state surviving a restart of the bot."""
from __future__ import annotations

from aiogram.fsm.storage.base import StorageKey

from bot.telegram.app import create_bot, setup_dispatcher, start_webhook

from ..servers import free_port
from .conftest import make_settings
from .test_trainee import GOOD_CALL, choose_scenario

SECRET = "s3cret-token_42"


async def test_webhook_checks_the_secret_on_every_request(tg, tmp_path, live, user):
    port = free_port()
    settings = make_settings(tg, tmp_path, webhook_url=f"http://127.0.0.1:{port}/tg/hook", webhook_secret=SECRET,
                             webhook_host="127.0.0.1", webhook_port=port)
    dispatcher = setup_dispatcher(settings, live=live)
    bot = create_bot(settings)
    runner = await start_webhook(dispatcher, bot, settings)
    try:
        [set_webhook] = tg.calls_of("setWebhook")
        assert set_webhook.params["url"] == settings.webhook_url and set_webhook.params["secret_token"] == SECRET
        forged = {"update_id": 999, "message": {"message_id": 1, "date": 0, "from": user.person, "chat": user.chat,
                                                "text": "/history"}}
        assert await tg.post_webhook(forged, "wrong-secret") == 401
        assert await tg.post_webhook(forged, None) == 401
        await user.send("/start")  # delivered by the fake Bot API with the right secret
        [menu] = await user.receive()
        assert "Собеседник" in menu["text"]
        assert tg.webhook_responses[-1] == 200
        # the forged /history was never handled: the only message sent is the menu
        assert [call.params["text"] for call in tg.calls_of("sendMessage")] == [menu["text"]]
    finally:
        await runner.cleanup()


async def test_a_restart_with_redis_loses_nothing(start_bot, user, live, redis_url, tg):
    first = await start_bot(redis_url=redis_url)
    await choose_scenario(user, live)
    await user.send(GOOD_CALL[0])
    [introduce] = await user.receive()
    assert "352011070412" in introduce["text"]
    await first.stop()
    second = await start_bot(redis_url=redis_url)  # a new process would have nothing else: new storage, new engine
    assert second.dispatcher.storage is not first.dispatcher.storage
    for line, expected in zip(GOOD_CALL[1:], ["работает", "дорого", "подключайте"]):
        await user.send(line)
        [client] = await user.receive()
        assert expected in client["text"].lower()  # whichever variant of his line he says


async def test_redis_isolation_keeps_fast_messages_in_order(start_bot, user, redis_url):
    bot = await start_bot(redis_url=redis_url)
    await user.send("Здравствуйте")
    await user.receive()
    updates = [await user.send("352011070411, Журавлёв Егор"), await user.send("вечером очень медленный интернет")]
    await bot.handled(*updates)
    key = StorageKey(bot_id=bot.bot.id, chat_id=user.id, user_id=user.id)
    snapshot = (await bot.dispatcher.storage.get_data(key))["snapshot"]
    clients = [line["text"] for line in snapshot["lines"] if line["role"] == "client"]
    assert clients == ["352011070411, Журавлёв Егор", "вечером очень медленный интернет"]
    assert snapshot["identified"] and snapshot["issue_topic"] == "slow_internet"
