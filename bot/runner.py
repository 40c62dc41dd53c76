"""Taking turns for any front end: the engine decides, the record store keeps each completed turn."""
from __future__ import annotations

from collections.abc import Callable

from engine.conversation import Event, Mode, Snapshot, TurnResult
from engine.dialogue import DialogueEngine
from engine.records import Records, RecordsRecreated, TurnWrite, session_row


class ConversationRunner:
    def __init__(self, engine: DialogueEngine, records: Records, channel: str):
        self.engine = engine
        self.records = records
        self.channel = channel

    def start(self, mode: Mode, user_id: str, update_id: int | None = None, **options) -> TurnResult:
        """``update_id``: the front end's id of the input that started it, kept with the session's snapshot."""
        result, write = self.planned_start(mode, user_id, update_id, **options)
        self._durable(write, lambda: write)
        return result

    def turn(self, snapshot: Snapshot, event: Event, user_id: str, update_id: int | None = None) -> TurnResult:
        result, write = self.planned_turn(snapshot, event, update_id)
        self._durable(write, lambda: self.whole(user_id, result.snapshot, update_id))
        return result

    def planned_start(self, mode: Mode, user_id: str, update_id: int | None = None,
                      **options) -> tuple[TurnResult, TurnWrite]:
        """The engine's start and the write that records it, not yet written (for a front end's writer)."""
        result = self.engine.start(mode, **options)
        return result, self.whole(user_id, result.snapshot, update_id)

    def planned_turn(self, snapshot: Snapshot, event: Event,
                     update_id: int | None = None) -> tuple[TurnResult, TurnWrite]:
        result = self.engine.handle(snapshot, event)
        return result, self._write(snapshot, result.snapshot, update_id)

    def whole(self, user_id: str, snapshot: Snapshot, update_id: int | None) -> TurnWrite:
        """The whole conversation so far as one write: its session's row and every line (for a new session, and
        for a records file that was recreated under the running process)."""
        write = self._write(None, snapshot, update_id)
        write.session = session_row(
            session_id=snapshot.session_id, mode=snapshot.mode, channel=self.channel, user_id=user_id,
            call_type=snapshot.call_type, stage=snapshot.path[0] if snapshot.path else snapshot.stage,
            started_at=snapshot.started_at, scenario_id=snapshot.scenario_id, customer_id=snapshot.customer_id)
        return write

    def _durable(self, write: TurnWrite, whole: Callable[[], TurnWrite]) -> None:
        try:
            self.records.save_turn(write)
        except RecordsRecreated:
            self.records.save_turn(whole())  # the whole conversation so far goes into the new file

    def abandon(self, snapshot: Snapshot) -> None:
        self.records.abandon_session(snapshot.session_id, self._now())

    def _now(self) -> str:
        return self.engine.clock().isoformat(timespec="seconds")

    def _write(self, before: Snapshot | None, after: Snapshot, update_id: int | None) -> TurnWrite:
        now = self._now()
        done_lines = len(before.lines) if before else 0
        done_orders = len(before.orders) if before else 0
        shown = {offer.product for offer in before.offers} if before else set()
        return TurnWrite(
            session_id=after.session_id,
            stage=after.stage,
            status="finished" if after.finished else "active",
            finished_at=now if after.finished else None,
            turns=[{"n": n, "role": line.role, "text": line.text, "stage": line.stage, "analysis": line.analysis,
                    "at": now} for n, line in enumerate(after.lines[done_lines:], done_lines + 1)],
            offers=[{"product": offer.product, "response": offer.response, "customer_id": after.customer_id,
                     "updated_at": now, **({"shown_at": now} if offer.product not in shown else {})}
                    for offer in after.offers],
            orders=[{"product": product, "customer_id": after.customer_id, "created_at": now}
                    for product in after.orders[done_orders:]],
            scorecard=after.trainee.scorecard if after.finished and after.trainee is not None else None,
            snapshot=None if after.finished else after.model_dump(mode="json"),
            update_id=update_id,
        )
