"""«typing…» (talk.thinking): shown while an answer is being worked out only when it takes longer than the bot's
TYPING_AFTER; a quick answer costs no Bot API call for it."""
from __future__ import annotations

import asyncio

from bot.telegram.talk import thinking


class Bot:
    def __init__(self):
        self.actions: list[tuple[int, str]] = []
        self.typed = asyncio.Event()

    async def send_chat_action(self, chat_id: int, action: str) -> None:
        self.actions.append((chat_id, action))
        self.typed.set()


async def test_a_quick_answer_shows_no_typing() -> None:
    bot = Bot()
    assert await thinking(bot, 7, asyncio.sleep(0, "answer"), after=3600) == "answer"
    assert bot.actions == []


async def test_a_slow_answer_shows_typing_until_it_is_ready() -> None:
    bot = Bot()
    ready = asyncio.Event()

    async def work() -> str:
        await ready.wait()
        return "answer"

    thought = asyncio.ensure_future(thinking(bot, 7, work(), after=0.01))
    await bot.typed.wait()
    ready.set()
    assert await thought == "answer"
    assert bot.actions == [(7, "typing")]


async def test_after_zero_shows_typing_at_once() -> None:
    bot = Bot()
    assert await thinking(bot, 7, asyncio.sleep(0, "answer")) == "answer"
    assert bot.actions == [(7, "typing")]
