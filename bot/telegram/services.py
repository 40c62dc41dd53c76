"""What the handlers work with: live content (swapped atomically on /reload), the runner, records, texts.

The engine and the records' reads run on one worker thread, so the event loop never blocks; the turns are written
by the records' single writer (GroupCommit) on a thread of its own, and a turn's replies wait until it is on disk.
"""
from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from bot.runner import ConversationRunner
from engine.content.loader import Content, load_content
from engine.content.speech import Person
from engine.conversation import Event, Mode, Snapshot, TurnResult
from engine.customers import CustomerBase
from engine.dialogue import DialogueEngine
from engine.records import GroupCommit, Records, RecordsRecreated, TurnWrite
from engine.understanding import Understanding

CHANNEL = "telegram"
SESSION_IDS = uuid.UUID("5b0e5ed1-7c2a-4c55-9d1e-2f7a3c1b9e40")  # namespace of the session ids made from updates
TEMPLATES = "bot/telegram"
T = TypeVar("T")
log = logging.getLogger("sobesednik.telegram")


@dataclass(frozen=True)
class Live:
    """One consistent generation of content and the engine built on it."""

    content: Content
    engine: DialogueEngine


def build_live(dialogues: Path, scripts: Path, records: Records | None = None) -> Live:
    """Load and validate everything; raises ContentError (with file:line problems) and serves nothing half-loaded.

    With ``records`` the customer mode looks customers up in their SQLite base; without, in the demo set."""
    content = load_content(dialogues, scripts)
    nlu = Understanding.load(content.dialogues)
    customers = CustomerBase(content, records) if records is not None else None
    return Live(content, DialogueEngine(content, nlu, customers=customers))


class Texts:
    """Every word the Telegram front end says, from content: labels and scripts_ru/bot/telegram/ templates."""

    def __init__(self, live: Live):
        self.content = live.content
        self.engine = live.engine

    def label(self, label_id: str) -> str:
        return self.content.label(label_id)

    def render(self, template: str, /, **details: Any) -> str:
        assistant = self.content.assistant
        operator = Person(assistant.first_name, gender=assistant.gender, company=assistant.company)
        context = self.content.speech_context(Person(""), operator, None, self.engine.today, details=details)
        return self.content.speech.render(f"{TEMPLATES}/{template}.j2", **context)


class Services:
    """Shared by every handler through dispatcher data; never module globals."""

    def __init__(self, live: Live, records: Records, *, dialogues: Path, scripts: Path,
                 admins: frozenset[int] = frozenset(), typing_after: float = 0.0,
                 builder: Callable[[Path, Path, Records], Live] = build_live):
        self.live = live
        self.records = records
        self.dialogues = dialogues
        self.scripts = scripts
        self.admins = admins
        self.typing_after = typing_after  # seconds a turn runs before «typing…» is shown
        self._builder = builder
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="engine")
        self.writer = GroupCommit(records.reopen())
        self._reload_lock = asyncio.Lock()

    # -- the current generation ---------------------------------------------------------------------------------
    @property
    def texts(self) -> Texts:
        return Texts(self.live)

    def is_trainer(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.admins

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Synchronous engine/SQLite work on the single worker thread."""
        return await asyncio.get_running_loop().run_in_executor(self._worker, fn, *args)

    async def start(self, mode: Mode, user_id: int, update_id: int, **options: Any) -> TurnResult:
        """The session's id comes from the update: a replay of the update starts the same session, never a second."""
        runner = ConversationRunner(self.live.engine, self.records, CHANNEL)
        session_id = uuid.uuid5(SESSION_IDS, f"{CHANNEL}:{user_id}:{update_id}").hex
        result, write = await self.run(lambda: runner.planned_start(mode, str(user_id), update_id,
                                                                    session_id=session_id, **options))
        await self._durable(write, lambda: write)
        return result

    async def turn(self, snapshot: Snapshot, event: Event, user_id: int, update_id: int) -> TurnResult:
        runner = ConversationRunner(self.live.engine, self.records, CHANNEL)
        result, write = await self.run(runner.planned_turn, snapshot, event, update_id)
        await self._durable(write, lambda: runner.whole(str(user_id), result.snapshot, update_id))
        return result

    async def _durable(self, write: TurnWrite, whole: Callable[[], TurnWrite]) -> None:
        """Back when the turn is on disk."""
        try:
            await asyncio.wrap_future(self.writer.submit(write))
        except RecordsRecreated:  # the whole conversation so far goes into the new file
            await asyncio.wrap_future(self.writer.submit(whole()))

    async def abandon(self, snapshot: Snapshot) -> None:
        runner = ConversationRunner(self.live.engine, self.records, CHANNEL)
        await self.run(runner.abandon, snapshot)

    async def recorded_conversation(self, user_id: int) -> tuple[Snapshot, int | None] | None:
        """The user's unfinished conversation as the records last saved it, with the id of the update that made
        it (for when the dialogue state store lost it)."""
        found = await self.run(self.records.active_snapshot, str(user_id), CHANNEL)
        return (Snapshot.model_validate(found[0]), found[1]) if found else None

    async def reload(self) -> Live:
        """Validate new content off the loop and swap it in at once; on ContentError the old content keeps serving."""
        async with self._reload_lock:
            live = await asyncio.get_running_loop().run_in_executor(None, self._builder, self.dialogues,
                                                                    self.scripts, self.records)
            self.live = live
            log.info("content reloaded: %d scenarios, %d products", len(live.content.scenarios),
                     len(live.content.products))
            return live

    def close(self) -> None:
        self._worker.shutdown(wait=True)
        self.writer.close()
        if self.writer.records is not self.records:
            self.writer.records.close()
        self.records.close()
