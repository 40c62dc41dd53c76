"""Customer mode end to end: a scripted conversation per issue topic and per eligibility trap, run as a user would
(`python main.py play --mode customer --script … --json`), checked in the JSON and in the SQLite records."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from engine.records import Records

from .conftest import run_main

SCRIPTS = Path(__file__).parent / "scripts"
TV_PRODUCTS = {"start", "viju", "wink_5in1"}


def play(db: Path, script: str, *args: str) -> dict:
    done = run_main("play", "--mode", "customer", "--json", "--db", db, "--script", SCRIPTS / f"customer_{script}.txt",
                    *args)
    assert done.exit_code == 0, done.stderr
    return json.loads(done.stdout)


def marks(result: dict, key: str) -> list:
    """What the client lines of the transcript did (identified, opt_outs, ticket, handoff, offer_decision…)."""
    return [line[key] for line in result["transcript"] if line["role"] == "client" and key in line]


@dataclass(frozen=True)
class Case:
    script: str
    customer: str
    offer: str | set[str] | None = None          # the product offered (one of a set), or None: the right silence
    response: str | None = None
    objections: int = 0
    order: bool = False
    silence_because: str | None = None           # the reason every held-back offer of the topic carries
    opt_outs: tuple[str, ...] = ()
    ticket: str | None = None
    handoff: str | None = None
    held_back: dict[str, str] = field(default_factory=dict)  # product → a reason it must carry


CASES = [
    # the issue topics
    Case("demo_egor_agrees", "demo_egor", "speed_boost", "agreed", objections=1, order=True),
    Case("irina_virus_thinks", "demo_irina", "antivirus", "thinking", objections=2),
    Case("oleg_remote_two_objections", "demo_oleg", TV_PRODUCTS, "not_interested", objections=2),
    Case("natalia_balance_declines", "demo_natalia", {"who_calls", "guarantee_plus", "books"}, "not_interested"),
    Case("svetlana_opt_out", "demo_svetlana", silence_because="opt_out", opt_outs=("sms_viber", "email")),
    Case("tech_fault", "demo_tech_fault", "guarantee_plus", "agreed", order=True, ticket="repair"),
    Case("relocation", "demo_relocation", ticket="relocation", handoff="relocation"),
    Case("churn", "demo_churn", ticket="termination", handoff="termination"),
    Case("unknown", "demo_egor", handoff="unknown"),
    Case("handoff_mid_offer", "demo_egor", "speed_boost", "not_offered", handoff="operator"),
    # the traps of «Когда не предлагаем»
    Case("financial_block", "demo_financial_block", silence_because="financial_block"),
    Case("negative_balance", "demo_negative_balance", silence_because="insufficient_funds"),
    Case("opted_out", "demo_opted_out", silence_because="opt_out"),
    Case("voluntary_block", "demo_voluntary_block", silence_because="voluntary_block"),
    Case("open_ticket", "demo_open_ticket", silence_because="open_ticket"),
    Case("global_problem", "demo_global_problem", silence_because="global_problem"),
    Case("child", "demo_child", silence_because="not_user"),
    Case("conflict", "demo_conflict", silence_because="conflict"),
    Case("has_antivirus", "demo_has_antivirus", {"safe_kids", "who_calls"}, "agreed", order=True,
         held_back={"antivirus": "already_has"}),
]


@pytest.mark.parametrize("case", CASES, ids=[case.script for case in CASES])
def test_a_scripted_customer_gets_the_right_offer_or_the_right_silence(tmp_path: Path, case: Case) -> None:
    db = tmp_path / "records.sqlite"
    result = play(db, case.script)
    assert result["customer"] == case.customer
    assert marks(result, "identified") == [case.customer]
    offers = result["offers"]
    if case.offer is None:
        assert offers == [] and result["orders"] == []
    else:
        offer, = offers  # one offer at most, whatever happens
        assert offer["product"] in (case.offer if isinstance(case.offer, set) else {case.offer})
        assert offer["response"] == case.response
        assert offer["objections"] == case.objections <= 2
    decisions = marks(result, "offer_decision")
    if case.silence_because is not None:
        decision, = decisions
        assert decision["product"] is None and decision["held_back"]
        assert all(case.silence_because in reasons for reasons in decision["held_back"].values())
    for product, reason in case.held_back.items():
        assert reason in decisions[0]["held_back"][product]
    assert [channel for line in marks(result, "opt_outs") for channel in line] == list(case.opt_outs)
    assert marks(result, "handoff") == ([case.handoff] if case.handoff else [])
    assert (result["handoff"], result["opt_outs"]) == (case.handoff, list(case.opt_outs))
    assert [ticket["kind"] for ticket in result["tickets"]] == ([case.ticket] if case.ticket else [])

    records = Records(db)
    try:
        session_id = result["session_id"]
        assert records.session(session_id)["status"] == "finished"
        assert records.session(session_id)["customer_id"] == case.customer
        orders = records.orders(session_id)
        if case.order:
            order, = orders
            assert (order["product"], order["status"], order["customer_id"]) == (offers[0]["product"], "new",
                                                                                   case.customer)
            assert order["created_at"]
        else:
            assert orders == []
        assert [(o["product"], o["response"]) for o in records.offers(session_id)] == [
            (o["product"], o["response"]) for o in offers]
        assert [(o["customer_id"], o["channel"]) for o in records.opt_outs(session_id)] == [
            (case.customer, channel) for channel in case.opt_outs]
        tickets = records.tickets(session_id)
        assert [t["kind"] for t in tickets] == ([case.ticket] if case.ticket else [])
        handoffs = records.handoffs(session_id)
        if case.handoff:
            handoff, = handoffs
            assert (handoff["reason"], handoff["status"], handoff["customer_id"]) == (case.handoff, "new",
                                                                                      case.customer)
            # the human gets the whole conversation, up to and including the assistant's last words
            assert [line["text"] for line in handoff["transcript"]] == [line["text"] for line in result["transcript"]]
        else:
            assert handoffs == []
    finally:
        records.close()


def test_an_offer_declined_is_not_repeated_in_the_next_conversation(tmp_path: Path) -> None:
    db = tmp_path / "records.sqlite"
    first = play(db, "cooloff")
    offer, = first["offers"]
    assert offer["response"] == "not_interested"
    second = play(db, "cooloff")
    decision, = marks(second, "offer_decision")
    assert "cooloff" in decision["held_back"][offer["product"]]
    assert offer["product"] not in [o["product"] for o in second["offers"]]


def test_an_opt_out_holds_in_later_conversations(tmp_path: Path) -> None:
    db = tmp_path / "records.sqlite"
    play(db, "svetlana_opt_out")
    script = SCRIPTS / "customer_demo_egor_agrees.txt"
    lines = script.read_text(encoding="utf-8").splitlines()
    later = tmp_path / "later.txt"
    later.write_text("\n".join(["352011070415 Орлова Светлана", *lines[1:3]]) + "\n", encoding="utf-8")
    done = run_main("play", "--mode", "customer", "--json", "--db", db, "--script", later)
    result = json.loads(done.stdout)
    assert result["customer"] == "demo_svetlana" and result["offers"] == []
    decision, = marks(result, "offer_decision")
    assert decision["product"] is None
    assert all("opt_out" in reasons for reasons in decision["held_back"].values())
