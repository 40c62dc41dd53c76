"""The transport of one conversation: snapshot in FSM storage, a turn off the loop with «typing…», replies out."""
from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Awaitable
from typing import Any, TypeVar

from aiogram import Bot
from aiogram.enums import ChatAction
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove

from engine.assistant.behaviours import BY_PHONE
from engine.conversation import Event, Mode, Reply, Snapshot, TurnResult

from . import keyboards
from .services import Services

log = logging.getLogger("sobesednik.telegram")
MESSAGE_LIMIT = 4000  # Telegram's hard limit is 4096 characters
PHONE_SCREEN = 1200  # consecutive replies are joined into messages of about a phone screen
TYPING_REPEAT = 4.5  # Telegram shows «typing…» for about five seconds
T = TypeVar("T")
Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


class Talk(StatesGroup):
    trainee = State()
    customer = State()


def chunks(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Cut a text for a phone screen: at paragraphs, then lines, then words, never mid-word if avoidable."""
    text = text.strip()
    parts: list[str] = []
    while len(text) > limit:
        cut = max(text.rfind(sep, 0, limit) for sep in ("\n\n", "\n", " "))
        if cut <= 0:
            cut = limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        parts.append(text)
    return parts


async def thinking(bot: Bot, chat_id: int, work: Awaitable[T], after: float = 0.0) -> T:
    """Show «typing…» while the engine thinks, once it has thought for ``after`` seconds (a quick answer needs no
    Bot API call for it), then again every few seconds until done."""
    task = asyncio.ensure_future(work)
    try:
        done: set = set()
        if after > 0:
            done, _ = await asyncio.wait({task}, timeout=after)
        while not done:
            await bot.send_chat_action(chat_id=chat_id, action=ChatAction.TYPING)
            done, _ = await asyncio.wait({task}, timeout=TYPING_REPEAT)
        return task.result()
    finally:
        if not task.done():
            task.cancel()


async def load(state: FSMContext) -> Snapshot | None:
    raw = (await state.get_data()).get("snapshot")
    return Snapshot.model_validate(raw) if raw else None


async def restore(state: FSMContext, snapshot: Snapshot, handled: int | None) -> None:
    """A conversation the state store lost, put back as the records last saved it."""
    await state.set_state(Talk.trainee if snapshot.mode == "trainee" else Talk.customer)
    await state.set_data({"snapshot": snapshot.model_dump(mode="json"), "handled": handled})


async def reset(state: FSMContext, update_id: int, **kept: Any) -> None:
    """No conversation any more; what the handled update said stays, so a replay of it changes nothing."""
    await state.set_state(None)
    await state.set_data({"handled": update_id, **kept})


async def save(state: FSMContext, snapshot: Snapshot, update_id: int, *, new: bool, **extra: Any) -> None:
    """The snapshot after a turn, with the id of the update that made it, in one write; a new conversation keeps
    nothing of the previous one's data."""
    if snapshot.finished:
        await reset(state, update_id, **extra)
        return
    await state.set_state(Talk.trainee if snapshot.mode == "trainee" else Talk.customer)
    data = {"snapshot": snapshot.model_dump(mode="json"), "handled": update_id, **extra}
    if new:
        await state.set_data(data)
    else:
        await state.update_data(data)


def _markup_json(markup: Markup | None) -> dict[str, Any] | None:
    if markup is None:
        return None
    kind = {InlineKeyboardMarkup: "inline", ReplyKeyboardMarkup: "reply", ReplyKeyboardRemove: "remove"}[type(markup)]
    return {"kind": kind, "markup": markup.model_dump(mode="json", exclude_none=True)}


def _markup(stored: dict[str, Any] | None) -> Markup | None:
    if stored is None:
        return None
    model = {"inline": InlineKeyboardMarkup, "reply": ReplyKeyboardMarkup, "remove": ReplyKeyboardRemove}
    return model[stored["kind"]].model_validate(stored["markup"])


async def deliver(bot: Bot, chat_id: int, state: FSMContext) -> None:
    """Send the outbox of the last turn, then mark it sent (and which message carries the buttons to press). A
    restart between the two sends it again: the user may see a reply twice, never miss one."""
    outbox = (await state.get_data()).get("outbox") or []
    buttons_message = None
    for message in outbox:
        markup = _markup(message["markup"])
        sent = await bot.send_message(chat_id=chat_id, text=message["text"], reply_markup=markup)
        if isinstance(markup, InlineKeyboardMarkup):
            buttons_message = sent.message_id
    await state.update_data(outbox=None, buttons_message=buttons_message)


def _html(text: str, kind: str = "speech") -> str:
    text = html.escape(text, quote=False)
    return f"<i>{text}</i>" if kind == "note" else text


def _pieces(text: str, markup: Markup | None, kind: str) -> list[tuple[str, Markup | None]]:
    """One text cut for a phone screen, as HTML; the keyboard goes with the last piece."""
    pieces = chunks(text)
    return [(_html(piece, kind), markup if index == len(pieces) - 1 else None) for index, piece in enumerate(pieces)]


async def send_text(bot: Bot, chat_id: int, text: str, markup: Markup | None = None, *, kind: str = "speech") -> None:
    for html_text, piece_markup in _pieces(text, markup, kind):
        await bot.send_message(chat_id=chat_id, text=html_text, reply_markup=piece_markup)


def joined(replies: list[Reply]) -> list[Reply]:
    """Consecutive replies of one kind become one message (paragraphs) up to a phone screen; a reply with
    buttons closes its message, so the buttons stay under the text they belong to."""
    out: list[Reply] = []
    for reply in replies:
        last = out[-1] if out else None
        if (last is not None and not last.buttons and last.kind == reply.kind
                and len(last.text) + len(reply.text) + 2 <= PHONE_SCREEN):
            out[-1] = Reply(f"{last.text}\n\n{reply.text}", reply.kind, reply.buttons)
        else:
            out.append(reply)
    return out


class Conversation:
    """One user's conversation, for one update: the handlers call begin/turn and nothing else.

    Every turn is at least once and changes things once: the records are written first (idempotent by session and
    line number), then the snapshot with the update's id and the replies to send (the outbox) in one write to the
    state store, then the replies go out. A restart at any point redelivers the update: before the snapshot write it
    is taken again, after it only the unsent replies go out (middlewares.ReplayGuard).
    """

    def __init__(self, services: Services, bot: Bot, state: FSMContext, chat_id: int, user_id: int, update_id: int):
        self.services = services
        self.bot = bot
        self.state = state
        self.chat_id = chat_id
        self.user_id = user_id
        self.update_id = update_id

    async def snapshot(self) -> Snapshot | None:
        return await load(self.state)

    async def begin(self, mode: Mode, **options: Any) -> Snapshot:
        """A new conversation; a previous one is hung up first and recorded as finished or, if it cannot finish
        without more answers (a trainee's response codes), as abandoned — never left active."""
        previous: Snapshot | None = None
        try:
            previous = await self.snapshot()
            if previous is not None:
                ended = await self.services.turn(previous, Event(hang_up=True), self.user_id, self.update_id)
                if not ended.snapshot.finished:
                    await self.services.abandon(ended.snapshot)
        except Exception:
            # a damaged or orphaned conversation must not stand in the way of a new one
            log.exception("could not close the previous conversation of user %s", self.user_id)
            if previous is not None:
                await self.services.abandon(previous)
        started = self.services.start(mode, self.user_id, self.update_id, **options)
        result = await thinking(self.bot, self.chat_id, started, self.services.typing_after)
        await self._after(result, new=True)
        return result.snapshot

    async def turn(self, snapshot: Snapshot, event: Event) -> TurnResult:
        turned = self.services.turn(snapshot, event, self.user_id, self.update_id)
        result = await thinking(self.bot, self.chat_id, turned, self.services.typing_after)
        await self._after(result, new=False)
        return result

    async def abandon(self, snapshot: Snapshot) -> None:
        await self.services.abandon(snapshot)
        await reset(self.state, self.update_id)

    async def _after(self, result: TurnResult, *, new: bool) -> None:
        snapshot = result.snapshot
        contact_shown = not new and bool((await self.state.get_data()).get("contact_keyboard"))
        texts = self.services.texts
        replies = joined(list(result.replies))
        if snapshot.finished:
            replies.append(Reply(texts.label("tg_session_over"), kind="note"))
        # a reply keyboard (share my contact / remove it) rides on the last message without inline buttons
        plain: Markup | None = None
        if snapshot.mode == "customer" and not snapshot.identified and not snapshot.finished \
                and texts.content.call_types[snapshot.call_type].stage(snapshot.stage).bot.input in BY_PHONE:
            plain = keyboards.share_contact(texts.content)
        elif contact_shown:
            plain = ReplyKeyboardRemove()
        plain_at = next((i for i in range(len(replies) - 1, -1, -1) if not replies[i].buttons), None)
        extra: dict[str, Any] = {}
        if plain is not None and plain_at is not None and not snapshot.finished:
            extra["contact_keyboard"] = isinstance(plain, ReplyKeyboardMarkup)
        outbox = []
        for index, reply in enumerate(replies):
            markup: Markup | None = None
            if reply.buttons:
                markup = keyboards.reply_buttons(snapshot.session_id, reply.buttons)
            elif index == plain_at:
                markup = plain
            outbox.extend({"text": text, "markup": _markup_json(piece_markup)}
                          for text, piece_markup in _pieces(reply.text, markup, reply.kind))
        await save(self.state, snapshot, self.update_id, new=new, outbox=outbox, **extra)
        await deliver(self.bot, self.chat_id, self.state)
