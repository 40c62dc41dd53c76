"""The closed registry of check rules a rubric names: each says whether a point of the checklist was done, and
where (the turns a feedback line quotes) when it was not."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..russian import morph
from ..understanding.names import name_forms
from ..understanding.text import normalize_word
from ..vocabulary import OPEN_ISSUE_KINDS, WORKED_KINDS
from .facts import Case
from .reading import Block, Said

if TYPE_CHECKING:
    from ..content.rubric import CheckSpec
    from ..understanding import PhraseSet

PERSON_NAME_MIN_SCORE = 0.3
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass
class Finding:
    """Where a rubric item went wrong: the operator's turn and the customer's turn to quote, and values to word."""

    said: Said | None = None
    client: Said | None = None
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    done: bool
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class Tools:
    """What some rules need besides the case: company names, and the phrase sets of a rubric item."""

    phrases: Callable[[tuple[str, ...]], PhraseSet]
    correct: str
    fitting: frozenset[str] = frozenset()  # the offers that fit the scenario's reason for leaving


def selling_turn(case: Case, block: Block, role: str) -> Said | None:
    """The turn of a reply that goes on selling (one of the role's moves); a reply that accepts («понимаю»,
    goodbye) may still invite the customer back without selling («если понадобится — подключить можно в
    приложении»): naming the offer again is not selling then."""
    if block.tags & case.read.role("concedes"):
        return None  # the reply closes on his decision (WinBack, a Flash note): whatever it names, it sells nothing
    wanted = case.read.role(role)
    if block.tags & case.read.role("accepts"):
        if block.tags & (case.read.role("check_questions") | case.read.role("farewells")):
            return None  # «понял вас, не настаиваю… остались вопросы?» closes the offer, whatever it recalls of it
        wanted = wanted - case.read.role("offers")
    turn = block.first_with(wanted)
    if turn is not None:
        return turn
    cta = case.read.role("calls_to_action")
    if block.tags & cta and not block.tags & case.read.role("accepts"):
        return block.first_with(cta)
    return None


def _quote_turn(case: Case, spec: CheckSpec) -> Said | None:
    read = case.read
    where = spec.quote
    if not read.operator:
        return None
    if where == "first":
        return read.operator[0]
    if where == "last":
        return read.operator[-1]
    if where == "offer_turn":
        return read.first_offer
    if where == "offer_or_greeting":
        greeting = case.first_said("greetings")
        return read.first_offer or greeting or read.operator[0]
    return None


def said(case: Case, spec: CheckSpec, tools: Tools) -> Outcome:
    end = case.decisive[0].index if case.decisive else None
    turns = case.read.window(spec.window, spec.turns, end)
    done = any(turn.tags & set(spec.moves) for turn in turns)
    return Outcome(done, [Finding(_quote_turn(case, spec))])


def _names_someone(text: str, exclude: frozenset[str]) -> bool:
    """A person's first name (the operator introducing himself) that is not the customer's."""
    for word in _WORD.findall(text):
        if len(word) < 3 or not word[:1].isupper():
            continue
        low = normalize_word(word)
        if low in exclude:
            continue
        if any("Name" in p.tag and p.score >= PERSON_NAME_MIN_SCORE for p in morph().parse(low)):
            return True
    return False


def introduced(case: Case, spec: CheckSpec, tools: Tools) -> Outcome:
    """Named the company and himself in the opening."""
    opening = case.read.window("first_turns", spec.turns)
    company = any(case.names_company(s.text) for s in opening)
    exclude = name_forms(case.client_name) if case.client_name else frozenset()
    done = company and any(case.names_himself(s.text) or _names_someone(s.text, exclude) for s in opening)
    greeting = next((s for s in opening if s.tags & case.read.role("greetings")), None)
    # without a greeting, its own feedback already says how to introduce oneself
    return Outcome(done, [Finding(greeting)] if greeting is not None else [])


def by_name(case: Case, spec: CheckSpec, tools: Tools) -> Outcome:
    done = any(s.by_name for s in case.read.operator)
    return Outcome(done, [Finding(_quote_turn(case, spec))])


def identified(case: Case, spec: CheckSpec, tools: Tools) -> Outcome:
    done = case.identified_before(case.read.offer_index, spec.min_digits, tools.phrases(tuple(spec.phrases)))
    return Outcome(done, [Finding()])


def decision_maker_identified(case: Case, spec: CheckSpec, tools: Tools) -> Outcome:
    """Retention: the decision maker was identified before any offer or cancellation."""
    limit = min([s.index for s in case.read.operator if s.tags & set(spec.moves)], default=case.read.turn_count)
    done = case.dm_identified_at is not None and case.dm_identified_at < limit
    return Outcome(done, [Finding(next((s for s in case.read.operator if s.index == limit), None))])


def issue_before_offer(case: Case, spec: CheckSpec, tools: Tools) -> Outcome:
    """The operator answered the customer before offering, and the customer's last word was not a problem."""
    read = case.read
    before = [s for s in read.saids if s.index < read.offer_index and s.event is None]
    clients = [s for s in before if s.role == "client"]
    done = bool(clients) and any(s.role == "operator" and s.index > clients[0].index for s in before) \
        and clients[-1].kind not in OPEN_ISSUE_KINDS
    return Outcome(done, [Finding(read.first_offer)])


def offered(case: Case, spec: CheckSpec, tools: Tools) -> Outcome:
    return Outcome(case.read.first_offer is not None, [Finding()])


def vzor(case: Case, spec: CheckSpec, tools: Tools) -> Outcome:
    """Every objection within the limit worked with at least the rubric's number of В.З.О.Р steps."""
    findings = []
    for objection in case.within_limit:
        if case.worked(objection.reply):
            continue
        missing = [step for step in case.read.rubric.moves.get("vzor_steps", []) if step not in objection.reply.tags]
        reply = objection.reply.turns[0] if objection.reply.turns else None
        findings.append(Finding(reply, objection.said, {"missing": missing, "objection_intent": objection.said.intent}))
    return Outcome(not findings, findings)


def objection_limit(case: Case, spec: CheckSpec, tools: Tools) -> Outcome:
    """No work after the call type's last allowed objection («не больше двух возражений»)."""
    beyond = [o for o in case.objections if o.number > case.max_objections and selling_turn(case, o.reply, "works")]
    findings = [Finding(selling_turn(case, o.reply, "works"), o.said, {"max": case.max_objections}) for o in beyond]
    return Outcome(not beyond, findings[:1])


def outcome_correct(case: Case, spec: CheckSpec, tools: Tools) -> Outcome:
    """The code saved for the offer is the rules' code — and so is every other offer's of the tab."""
    wrong = [row for row in case.offer_rows(tools.correct) if not row["right"] and row["product"] != case.product_id]
    return Outcome(case.chosen == tools.correct and not wrong,
                   [Finding(values={"product": row["product"], "chosen": row["chosen"], "correct": row["correct"]})
                    for row in wrong])


def words_before_offer(case: Case, spec: CheckSpec, tools: Tools) -> Outcome:
    """The offer comes without a long preamble (a toxic call «takes time»)."""
    before = case.read.window("before_offer")
    words = sum(len(s.text.split()) for s in before)
    longest = max(before, key=lambda s: len(s.text.split()), default=None)
    return Outcome(words <= (spec.max_words or 0), [Finding(longest, values={"count": words})])


def offer_fits_reason(case: Case, spec: CheckSpec, tools: Tools) -> Outcome:
    """Every offer made is a rung of the ladder for the customer's reason for leaving (seed 003, «Офферы»)."""
    misfits = [product for product in case.offered_products if product not in tools.fitting]
    return Outcome(not misfits, [Finding(case.read.first_offer)])


def winback(case: Case, spec: CheckSpec, tools: Tools) -> Outcome:
    """Said one of the moves after the customer's last refusal (WinBack is voiced once he is not retained); his
    answer to the WinBack itself («нет, не надо мне ничего присылать») is not that refusal."""
    wanted = set(spec.moves)
    refusal = next((s for s in reversed(case.read.client) if (s.kind == "refusal" or s.kind in WORKED_KINDS)
                    and not case.read.prompt(s).tags & wanted), None)
    after = refusal.index if refusal is not None else -1
    done = any(s.index > after and s.tags & wanted for s in case.read.operator)
    return Outcome(done, [Finding(case.read.operator[-1] if case.read.operator else None, refusal)])


CHECK_RULES: dict[str, Callable[[Case, "CheckSpec", Tools], Outcome]] = {
    "said": said,
    "introduced": introduced,
    "by_name": by_name,
    "identified": identified,
    "decision_maker_identified": decision_maker_identified,
    "issue_before_offer": issue_before_offer,
    "offered": offered,
    "vzor": vzor,
    "objection_limit": objection_limit,
    "outcome_correct": outcome_correct,
    "words_before_offer": words_before_offer,
    "offer_fits_reason": offer_fits_reason,
    "winback": winback,
}
