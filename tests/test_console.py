"""The console front end keeps a conversation alive when a turn fails: an apology, the snapshot untouched."""
from __future__ import annotations

import io
import logging

import pytest

from bot.console import ConsoleSession, run_interactive
from engine.conversation import Event, Reply, Snapshot, TurnResult

LABELS = {"console_help": "help", "console_you": "Вы", "console_you_operator": "Вы (оператор)",
          "console_bot_client": "Клиент", "console_bot_assistant": "Ника", "console_saved": "saved",
          "console_error": "Извините, что-то пошло не так"}


class FlakyRunner:
    """Starts a session; the turn with the text «boom» fails, every other one echoes."""

    def __init__(self) -> None:
        self.turns: list[Event] = []

    def start(self, mode, user_id, **options) -> TurnResult:
        snapshot = Snapshot(session_id="s1", mode=mode, call_type="inbound_upsell", stage="greeting", seed=1,
                            started_at="2026-11-16T10:00:00")
        return TurnResult(snapshot, [Reply("hello")])

    def turn(self, snapshot: Snapshot, event: Event, user_id: str) -> TurnResult:
        if event.hang_up:
            return TurnResult(snapshot.model_copy(update={"finished": True}), [])
        if event.text == "boom":
            raise RuntimeError("engine exploded")
        self.turns.append(event)
        after = snapshot.model_copy(deep=True)
        after.say("client", event.text)
        return TurnResult(after, [Reply(f"echo {event.text}")])


def test_a_failing_turn_is_apologised_for_logged_and_the_conversation_goes_on(
        capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    runner = FlakyRunner()
    session = ConsoleSession(runner)
    with caplog.at_level(logging.ERROR, logger="sobesednik.console"):
        snapshot = run_interactive(session, "customer", LABELS, io.StringIO("first\nboom\nthird\n"))
    out = capsys.readouterr().out
    assert "Извините, что-то пошло не так" in out and "Traceback" not in out
    assert "echo first" in out and "echo third" in out
    assert [line.text for line in snapshot.lines] == ["first", "third"]  # the failed turn left no trace
    failure, = caplog.records
    assert "boom" in failure.getMessage() and "engine exploded" in str(failure.exc_info[1])
