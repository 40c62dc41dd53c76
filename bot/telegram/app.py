"""The Telegram bot: ``setup_dispatcher()`` builds everything without polling (``run_bot`` and the tests share it),
``run_bot()`` runs it by polling or as a webhook server."""
from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Callable

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramAPIError, TelegramUnauthorizedError
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.methods import (AnswerCallbackQuery, DeleteWebhook, EditMessageText, GetMe, GetUpdates, SendChatAction,
                             SendMessage, SendPhoto, SetMyCommands, SetWebhook)
from aiogram.methods.base import Response
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from engine.content.yaml_source import ContentError
from engine.records import Records, RecordStoreError

from ..logs import configure_logging
from .middlewares import ErrorApology, ReplayGuard, Throttling, UpdateLedger
from .polling import Poller
from .routers import all_routers
from .services import Live, Services, build_live
from .settings import Settings, load_settings
from .storage import check_storage, make_storage

log = logging.getLogger("sobesednik.telegram")
PUBLIC_COMMANDS = ("start", "train", "hint", "stop", "history", "help")
TRAINER_COMMANDS = ("report", "scenarios", "reload")
SHUTDOWN_GRACE = 20.0  # seconds to let turns in flight finish before the storage closes


# aiogram parametrizes Response[...] for every answer of the Bot API; pydantic keeps such classes weakly and builds
# them again after each full garbage collection (a quarter of the bot's time under load, issue 13): the ones the bot
# receives are kept alive here
_RESPONSES = [Response[method.__returning__] for method in (
    AnswerCallbackQuery, DeleteWebhook, EditMessageText, GetMe, GetUpdates, SendChatAction, SendMessage, SendPhoto,
    SetMyCommands, SetWebhook)]


def create_bot(settings: Settings) -> Bot:
    """A bot talking to Telegram, or to any Bot-API-compatible server at TELEGRAM_API_URL."""
    if settings.telegram_api_url:
        session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    else:
        session = AiohttpSession()
    return Bot(settings.bot_token.get_secret_value(), session=session,
               default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True))


def setup_dispatcher(settings: Settings, *, live: Live | None = None, records: Records | None = None,
                     storage: BaseStorage | None = None, isolation: BaseEventIsolation | None = None,
                     clock: Callable[[], float] | None = None) -> Dispatcher:
    """Everything the bot needs, wired; nothing started. Raises ContentError when the content is broken."""
    records = records or Records(settings.db_path, url=settings.database_url.get_secret_value()
                                 if settings.database_url else None)
    if live is None:
        live = build_live(settings.dialogues_dir, settings.scripts_dir, records)
    if storage is None:
        storage, isolation = make_storage(settings.redis_url)
    services = Services(live, records, dialogues=settings.dialogues_dir,
                        scripts=settings.scripts_dir, admins=settings.admins, typing_after=settings.typing_after)
    # aiogram's FSM middleware (state store, per-user lock) is put inside ours, not outside: the ledger counts an
    # update until its lock is released, and the apology also covers a failing state store
    dispatcher = Dispatcher(storage=storage, events_isolation=isolation, disable_fsm=True)
    ledger = UpdateLedger()
    dispatcher.update.outer_middleware(ledger)
    dispatcher.update.outer_middleware(ErrorApology())
    dispatcher.update.outer_middleware(dispatcher.fsm)
    dispatcher.update.outer_middleware(ReplayGuard())
    throttling = Throttling(settings.throttle_rate, settings.throttle_period, **({"clock": clock} if clock else {}))
    for observer in (dispatcher.message, dispatcher.edited_message, dispatcher.callback_query):
        observer.outer_middleware(throttling)
    dispatcher.include_routers(*all_routers())
    dispatcher.workflow_data.update(services=services, settings=settings, ledger=ledger,
                                    max_text_length=settings.max_text_length)
    dispatcher.startup.register(_on_startup)
    # aiogram closes the storage in a shutdown handler of its own, registered first; ours closes it after the
    # turns in flight are done, so aiogram's goes
    dispatcher.shutdown.handlers = [handler for handler in dispatcher.shutdown.handlers
                                    if handler.callback != dispatcher.fsm.close]
    dispatcher.shutdown.register(_on_shutdown)
    return dispatcher


async def _on_startup(bot: Bot, services: Services) -> None:
    """The command menu, in Russian from content; a failure here is logged, never fatal."""
    texts = services.texts
    public = [BotCommand(command=name, description=texts.label(f"tg_cmd_{name}")) for name in PUBLIC_COMMANDS]
    trainer = public + [BotCommand(command=name, description=texts.label(f"tg_cmd_{name}"))
                        for name in TRAINER_COMMANDS]
    try:
        await bot.set_my_commands(public, scope=BotCommandScopeDefault())
        for admin in sorted(services.admins):
            await bot.set_my_commands(trainer, scope=BotCommandScopeChat(chat_id=admin))
    except TelegramAPIError as exc:
        log.warning("could not set the command menu: %s", exc)


async def _on_shutdown(dispatcher: Dispatcher, services: Services, ledger: UpdateLedger) -> None:
    try:
        await asyncio.wait_for(ledger.wait_idle(), SHUTDOWN_GRACE)
    except TimeoutError:
        log.warning("%d updates still in flight at shutdown", ledger.in_flight)
    await dispatcher.storage.close()
    await dispatcher.fsm.events_isolation.close()
    await asyncio.get_running_loop().run_in_executor(None, services.close)


# -- running ------------------------------------------------------------------------------------------------------
async def check_bot(bot: Bot, settings: Settings) -> list[str]:
    """The token and the server, tried once at start: a clear line instead of a retry loop or a traceback."""
    try:
        me = await bot.get_me()
    except TelegramUnauthorizedError:
        return ["BOT_TOKEN: rejected by the Bot API server (Unauthorized)"]
    except Exception as exc:  # noqa: BLE001 — network errors, or a proxy answering HTML (ClientDecodeError)
        where = settings.telegram_api_url or "https://api.telegram.org"
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return [f"TELEGRAM_API_URL: cannot talk to the Bot API at {where}: {reason}"]
    log.info("bot @%s (id %s) ready", me.username, me.id)
    return []




async def start_webhook(dispatcher: Dispatcher, bot: Bot, settings: Settings) -> web.AppRunner:
    """Serve updates posted by the Bot API; every request's X-Telegram-Bot-Api-Secret-Token is checked."""
    app = web.Application()
    # handled before the answer: Telegram delivers again what the bot did not finish (at least once)
    SimpleRequestHandler(dispatcher, bot, handle_in_background=False,
                         secret_token=settings.webhook_secret.get_secret_value()).register(app, path=settings.webhook_path)
    setup_application(app, dispatcher, bot=bot)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
    await bot.set_webhook(settings.webhook_url, secret_token=settings.webhook_secret.get_secret_value(),
                          allowed_updates=dispatcher.resolve_used_update_types(), drop_pending_updates=False)
    log.info("webhook server on %s:%s%s", settings.webhook_host, settings.webhook_port, settings.webhook_path)
    return runner


async def _main(settings: Settings) -> int:
    try:
        dispatcher = setup_dispatcher(settings)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    except RecordStoreError as exc:
        print(f"{'DATABASE_URL' if settings.database_url else 'DB_PATH'}: {exc}", file=sys.stderr)
        return 1
    bot = create_bot(settings)
    problems = await check_bot(bot, settings)
    try:
        await check_storage(dispatcher.storage)
    except Exception as exc:  # redis raises its own connection errors
        problems.append(f"REDIS_URL: cannot connect: {exc}")
    if problems:
        for line in problems:
            print(line, file=sys.stderr)
        await bot.session.close()
        await dispatcher.storage.close()
        dispatcher["services"].close()
        return 1
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    if not settings.webhook_url:
        poller = Poller(dispatcher, bot, settings)
        polling = asyncio.create_task(poller.run())
        stopped = asyncio.create_task(stop.wait())
        await asyncio.wait({polling, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        poller.stop()
        await polling
        return 0
    runner = await start_webhook(dispatcher, bot, settings)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
    return 0


def run_bot(settings: Settings | None = None) -> int:
    """``python main.py bot``: settings from the environment, checked first; exit code 0, 1 (cannot run: content,
    token, server or Redis) or 2 (bad settings)."""
    if settings is None:
        settings, problems = load_settings()
        if settings is None:
            for line in problems:
                print(line, file=sys.stderr)
            return 2
    configure_logging(secrets=[settings.bot_token.get_secret_value(),
                               settings.webhook_secret.get_secret_value() if settings.webhook_secret else "",
                               settings.database_url.get_secret_value() if settings.database_url else ""])
    try:
        return asyncio.run(_main(settings))
    except KeyboardInterrupt:
        return 0
