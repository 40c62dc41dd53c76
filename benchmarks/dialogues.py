"""The dialogues every benchmark replays: one scripted conversation per mode and call type, each the human side's
lines of a whole call, as the console reads them (a line naming a button on screen presses it)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.console import ConsoleSession
from bot.runner import ConversationRunner
from engine.conversation import Event, Mode
from engine.dialogue import DialogueEngine
from engine.records import Records

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "tests" / "scripts"
OWN = Path(__file__).parent / "dialogues"


@dataclass(frozen=True)
class Dialogue:
    name: str
    mode: Mode
    call_type: str
    script: Path
    options: dict[str, Any] = field(default_factory=dict)

    def lines(self) -> list[str]:
        return [line for line in self.script.read_text(encoding="utf-8").splitlines() if line.strip()]


DIALOGUES = (
    Dialogue("customer / inbound_upsell", "customer", "inbound_upsell", SCRIPTS / "customer_demo_egor_agrees.txt",
             {"customer_id": "demo_egor"}),
    Dialogue("customer / retention_mnp", "customer", "retention_mnp", OWN / "customer_retention_stays.txt",
             {"call_type": "retention_mnp"}),
    Dialogue("trainee / inbound_upsell", "trainee", "inbound_upsell",
             SCRIPTS / "trainee_slow_internet_speed_easy_good.txt", {"scenario_id": "slow_internet_speed_easy"}),
    Dialogue("trainee / outbound_upsell", "trainee", "outbound_upsell",
             SCRIPTS / "trainee_outbound_viju_agrees_good.txt", {"scenario_id": "outbound_viju_agrees"}),
    Dialogue("trainee / retention_mnp", "trainee", "retention_mnp", SCRIPTS / "trainee_retention_price_stays_good.txt",
             {"scenario_id": "retention_price_stays"}),
)
SEED = 7
# the customer call as a Telegram user types it: a greeting opens the chat, then the script's lines
CUSTOMER_LINES = ("Здравствуйте", *DIALOGUES[0].lines())


def events_of(engine: DialogueEngine, dialogue: Dialogue) -> list[Event]:
    """The events the script makes, found by playing it once (which button a line presses depends on the screen)."""
    session = ConsoleSession(ConversationRunner(engine, Records(":memory:"), "bench"))
    events: list[Event] = []
    session.begin(dialogue.mode, seed=SEED, **dialogue.options)
    for line in dialogue.lines():
        if session.finished:
            break
        event = session.event_for(line)
        events.append(event)
        session.take(event)
    if not session.finished:
        events.append(Event(hang_up=True))
    return events
