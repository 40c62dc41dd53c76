"""A records database filled the way people fill it: scripted sessions of every mode and call type, by three
trainees and several customers over a week (the reports, the charts and the dashboard are tested on it)."""
from __future__ import annotations

import datetime as dt
from itertools import count
from pathlib import Path

from bot.console import ConsoleSession, run_script
from bot.runner import ConversationRunner
from engine.content.loader import Content
from engine.dialogue import DialogueEngine
from engine.records import Records
from engine.understanding import Understanding

SCRIPTS = Path(__file__).parent / "scripts"
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)
TRAINEES = ("101", "102", "103")
# (trainee, scenario, script): each trainee first plays badly, then well, so their scores rise
TRAINEE_SESSIONS = [
    ("101", "remote_start_easy", "bad"), ("101", "virus_antivirus_think", "bad"),
    ("101", "remote_start_easy", "good"), ("101", "virus_antivirus_think", "good"),
    ("102", "outbound_viju_agrees", "bad"), ("102", "outbound_viju_agrees", "good"),
    ("102", "no_signal_viju_declines", "good"),
    ("103", "retention_price_stays", "bad"), ("103", "retention_price_stays", "good"),
    ("103", "speaker_mini_three_objections", "bad"),
]
# (customer, script, call type)
CUSTOMER_SESSIONS = [
    ("demo_egor", "demo_egor_agrees", None), ("demo_irina", "irina_virus_thinks", None),
    ("demo_oleg", "oleg_remote_two_objections", None), ("demo_svetlana", "svetlana_opt_out", None),
    ("demo_egor", "handoff_mid_offer", None), ("demo_churn", "churn", None),
    ("demo_vitaly_mnp", "mnp_price_stays", "retention_mnp"),
    ("demo_vitaly_mnp", "mnp_leaves_winback", "retention_mnp"),
]


def build(path: Path, content: Content) -> Path:
    """The database at ``path`` (SQLite), filled by :func:`fill`."""
    records = Records(path)
    try:
        fill(records, content)
    finally:
        records.close()
    return path


def fill(records: Records, content: Content) -> None:
    """One session every few hours from START, trainees and customers in turn."""
    ticks = count()
    engine = DialogueEngine(content, Understanding.load(content.dialogues),
                            clock=lambda: START + dt.timedelta(hours=7 * next(ticks) // 10))
    runner = ConversationRunner(engine, records, "telegram")
    for seed, (user, scenario, kind) in enumerate(TRAINEE_SESSIONS):
        lines = (SCRIPTS / f"trainee_{scenario}_{kind}.txt").read_text(encoding="utf-8").splitlines()
        run_script(ConsoleSession(runner, user=user), "trainee", iter(lines), scenario_id=scenario, seed=seed)
    for n, (customer, script, call_type) in enumerate(CUSTOMER_SESSIONS):
        lines = (SCRIPTS / f"customer_{script}.txt").read_text(encoding="utf-8").splitlines()
        run_script(ConsoleSession(runner, user=f"c{n}"), "customer", iter(lines), customer_id=customer,
                   call_type=call_type)
