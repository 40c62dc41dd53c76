"""A bare aiogram echo bot in webhook mode, set up the way the project's bot is (the same environment variables,
the same aiohttp session, each update handled before it is answered): the ceiling the bot is compared with."""
from __future__ import annotations

import asyncio
import os
import signal

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web


async def main() -> None:
    env = os.environ
    bot = Bot(env["BOT_TOKEN"], session=AiohttpSession(api=TelegramAPIServer.from_base(env["TELEGRAM_API_URL"])))
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "?")

    app = web.Application()
    path = "/" + env["WEBHOOK_URL"].split("/", 3)[3]
    SimpleRequestHandler(dispatcher, bot, handle_in_background=False,
                         secret_token=env["WEBHOOK_SECRET"]).register(app, path=path)
    setup_application(app, dispatcher, bot=bot)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, env["WEBHOOK_HOST"], int(env["WEBHOOK_PORT"])).start()
    await bot.set_webhook(env["WEBHOOK_URL"], secret_token=env["WEBHOOK_SECRET"])
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
