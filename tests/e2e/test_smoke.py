from .fake_telegram import buttons_of


async def test_start_offers_both_modes(start_bot, user, live):
    await start_bot()
    await user.send("/start")
    [message] = await user.receive()
    assert "Собеседник" in message["text"]
    assert buttons_of(message) == [live.content.label("tg_mode_customer"), live.content.label("tg_mode_trainee")]
