"""The console front end: interactive with rich, or scripted (``--script FILE --json``) for tests and tools."""
from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from rich.console import Console
from rich.markup import escape

from engine.conversation import Button, Event, Mode, Reply, Snapshot

from .runner import ConversationRunner

CONSOLE_USER = "console"
log = logging.getLogger("sobesednik.console")


@dataclass
class ConsoleSession:
    """One conversation at the console: its latest snapshot and the buttons currently on screen."""

    runner: ConversationRunner
    snapshot: Snapshot | None = None
    buttons: tuple[Button, ...] = ()
    shown: list[Reply] = field(default_factory=list)
    user: str = CONSOLE_USER  # whose session it is in the records (a trainee, a customer)

    def begin(self, mode: Mode, **options: Any) -> list[Reply]:
        result = self.runner.start(mode, self.user, **options)
        self.snapshot = result.snapshot
        return self._shown(result.replies)

    def send(self, text: str) -> list[Reply]:
        return self.take(self.event_for(text))

    def hang_up(self) -> list[Reply]:
        return self.take(Event(hang_up=True))

    def abandon(self) -> None:
        if self.snapshot is not None and not self.snapshot.finished:
            self.runner.abandon(self.snapshot)

    def end(self) -> list[Reply]:
        """The human is gone (the script ran out, EOF, Ctrl-C): the call is hung up; what still waits for an answer
        (a trainee's response codes) is recorded as abandoned, never left active."""
        replies = self.hang_up() if not self.finished else []
        self.abandon()
        return replies

    @property
    def finished(self) -> bool:
        return self.snapshot is not None and self.snapshot.finished

    def event_for(self, text: str) -> Event:
        """A line naming a button on screen (its number or its label) presses it; anything else is typed text."""
        wanted = text.strip().lower()
        for number, button in enumerate(self.buttons, 1):
            if wanted in (str(number), button.label.lower(), button.data.lower()):
                return Event(text=button.label, button=button.data)
        return Event(text=text)

    def take(self, event: Event) -> list[Reply]:
        result = self.runner.turn(self.snapshot, event, self.user)
        self.snapshot = result.snapshot
        return self._shown(result.replies)

    def _shown(self, replies: list[Reply]) -> list[Reply]:
        self.shown.extend(replies)
        buttons = [reply.buttons for reply in replies if reply.buttons]
        self.buttons = buttons[-1] if buttons else ()
        return replies


def transcript_json(snapshot: Snapshot) -> dict[str, Any]:
    """The machine-readable end of a console session (``--json``); what a customer-mode line did (hand-off, ticket,
    opt-outs) is on that line and gathered at the top too."""
    analyses = [line.analysis for line in snapshot.lines]
    trainee = snapshot.trainee
    card = trainee.scorecard if trainee is not None else None
    return {
        "session_id": snapshot.session_id,
        "mode": snapshot.mode,
        "scenario": snapshot.scenario_id,
        "customer": snapshot.customer_id,
        "call_type": snapshot.call_type,
        "stage": snapshot.stage,
        "path": snapshot.path,
        "transcript": [{"role": line.role, "event": line.event, "stage": line.stage, **line.analysis}
                       if line.event else {"role": line.role, "text": line.text, "stage": line.stage, **line.analysis}
                       for line in snapshot.lines],
        "offers": [{"product": offer.product, "response": offer.response, "objections": offer.objections}
                   for offer in snapshot.offers],
        "responses": {offer.product: offer.response for offer in snapshot.offers},
        "orders": list(snapshot.orders),
        "outcome": card["response_code"]["chosen"] if card else None,
        "handoff": next((a["handoff"] for a in analyses if a.get("handoff")), None),
        "tickets": [a["ticket"] for a in analyses if a.get("ticket")],
        "opt_outs": [channel for a in analyses for channel in a.get("opt_outs") or []],
        **({"scorecard": card} if card else {}),
    }


def run_script(session: ConsoleSession, mode: Mode, lines: Iterator[str], **options: Any) -> Snapshot:
    """Feed the human side's lines one by one; the call ends when they run out. Whatever stops it early (a bad
    line, a failing turn) leaves the session recorded as abandoned, never active."""
    session.begin(mode, **options)
    try:
        for line in lines:
            if session.finished:
                break
            text = line.rstrip("\n")
            if text.strip():
                session.send(text)
        session.end()
    except BaseException:
        session.abandon()
        raise
    return session.snapshot


def _print_replies(console: Console, replies: list[Reply], speaker: str) -> None:
    for reply in replies:
        if reply.kind == "note":
            console.print(f"[italic cyan]{escape(reply.text)}[/]")
        else:
            console.print(f"[bold green]{escape(speaker)}:[/] {escape(reply.text)}")
        for number, button in enumerate(reply.buttons, 1):
            console.print(f"   [bold][{number}][/] {escape(button.label)}")


def _turn_or_apology(session: ConsoleSession, text: str, labels: dict[str, str]) -> list[Reply]:
    """A turn that fails is logged with its context and apologised for; the conversation stays where it was."""
    try:
        return session.send(text)
    except Exception:  # noqa: BLE001 — whatever broke, the user gets an apology and may go on
        log.exception("turn failed: session %s, stage %s, input %r", session.snapshot.session_id,
                      session.snapshot.stage, text[:200])
        return [Reply(labels["console_error"], kind="note")]


def run_interactive(session: ConsoleSession, mode: Mode, labels: dict[str, str], stdin: TextIO,
                    intro: str = "", **options: Any) -> Snapshot:
    """A conversation in the terminal; Ctrl-C and EOF end it cleanly (as a hang-up) and it stays saved."""
    console = Console(highlight=False)
    speaker = labels["console_bot_client" if mode == "trainee" else "console_bot_assistant"]
    prompt = labels["console_you_operator" if mode == "trainee" else "console_you"]
    console.print(f"[dim]{escape(labels['console_help'])}[/]")
    if intro:
        console.print(f"[dim]{escape(intro)}[/]")
    _print_replies(console, session.begin(mode, **options), speaker)
    try:
        while not session.finished:
            console.print(f"[bold blue]{escape(prompt)}:[/] ", end="")
            line = stdin.readline()
            if not line:
                raise EOFError
            if line.strip():
                _print_replies(console, _turn_or_apology(session, line.rstrip("\n"), labels), speaker)
    except (EOFError, KeyboardInterrupt):
        console.print()
        _print_replies(console, session.end(), speaker)
    console.print(f"[dim]{escape(labels['console_saved'])}[/]")
    return session.snapshot


def dump_json(data: dict[str, Any], out: TextIO) -> None:
    out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
