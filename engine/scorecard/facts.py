"""The case the judge reads, and the named facts about it that rubrics and a call type's judge rules refer to.

A fact is a name from the closed registry below (``offered``, ``answered``, ``pitched``…) or a family with an
argument: ``answer:<kind>`` (the kind of the customer's last decisive answer), ``heard:<intent>``,
``heard_kind:<kind>``, ``said:<move>``, ``situation:<flag>`` (the scenario's circumstance, or — without a
scenario — the intent of the same name heard from the customer).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from ..eligibility import Reason
from ..understanding.names import name_forms
from ..understanding.text import normalize_word
from ..vocabulary import DECISIVE_KINDS, INTENT_KINDS, WORKED_KINDS
from .reading import REFUSED, Block, Reader, Said

if TYPE_CHECKING:
    from ..content.call_types import CallType
    from ..content.rubric import Rubric
    from ..content.scenarios import Scenario
    from ..judge import ScenarioJudge, TranscriptJudge
    from ..understanding import PhraseSet


@dataclass(frozen=True)
class Objection:
    number: int
    said: Said
    reply: Block


class Case:
    """Everything the checks, flags and the correct code are decided from, worked out once."""

    def __init__(self, read: Reader, rubric: Rubric, call_type: CallType, judge: ScenarioJudge | None,
                 client_name: str | None, chosen: dict[str, str | None],
                 phrases: Callable[[tuple[str, ...]], PhraseSet],
                 company_names: tuple[str, ...], unscripted: TranscriptJudge,
                 introduction_cues: tuple[str, ...] = ()):
        """``chosen``: the code the operator saved for each offer (the main offer's, or None without a scenario);
        ``unscripted``: what the rules make of the call without a scenario, from what it revealed."""
        self.read = read
        self.rubric = rubric
        self.call_type = call_type
        self.judge = judge
        self.rules: ScenarioJudge | TranscriptJudge = judge if judge is not None else unscripted
        self.scenario: Scenario | None = judge.scenario if judge is not None else None
        self.client_name = client_name
        self.chosen_codes = chosen
        self.chosen = chosen.get(judge.main_offer if judge is not None else None)
        self.max_objections = call_type.max_objections
        self._owner_decides = phrases(tuple(rubric.owner_decides))
        self._requested = phrases(tuple(rubric.requested))
        self._disconnects = phrases(tuple(rubric.disconnects))
        self._confirms_has_it = phrases(tuple(rubric.confirms_has_it))
        self._call_back = phrases(tuple(rubric.call_back))
        self._checks_line = phrases(tuple(rubric.checks_line))
        self._confirms_situation = {flag: phrases(tuple(said)) for flag, said in rubric.confirms_situation.items()}
        # a «нет» in words, as the rubric's ignored_refusal flag reads one
        says_no = next((spec.phrases for spec in rubric.flags if spec.rule == "ignored_refusal" and spec.phrases), None)
        self._says_no = phrases(tuple(says_no)) if says_no else None
        self.company_names = tuple(normalize_word(name) for name in company_names if name.strip())
        self._introduction = _introduction_pattern(tuple(introduction_cues))

    def asks_to_call_back(self, text: str) -> bool:
        return bool(self._call_back.found(text))

    def owner_decides(self, text: str) -> bool:
        """He says the decision is the contract's or number's owner's, not his."""
        return bool(self._owner_decides.found(text))

    @cached_property
    def said_before_offer(self) -> list[Said]:
        """What he said before the first offer (all of it when there was none)."""
        return [s for s in self.read.client if s.index < self.read.offer_index]

    @cached_property
    def requested(self) -> bool:
        """Before any offer he asked for a product himself (the rubric's ``requested`` phrases): connecting it is
        a request served, not an upsell."""
        return any(self._requested.found(s.text) for s in self.said_before_offer)

    @cached_property
    def disconnects_an_offer(self) -> bool:
        """Before any offer he asked to disconnect a product of the offers (the rubric's ``disconnects`` phrases,
        naming it): seed 000 codes that offer «Клиент НЕ заинтересован»."""
        return any(self._disconnects.found(s.text) and self.rules.named_offer(s.text) is not None
                   for s in self.said_before_offer)

    @cached_property
    def has_it_confirmed(self) -> bool:
        """After the offer the operator confirms, in answer to the customer, that he already has it («да, вижу,
        подписка у вас уже активна»). A scenario knows what he has: then its word counts, not the operator's."""
        return self.scenario is None and any(self._confirms_has_it.found(turn.text) for said in self.read.client
                                             if self.read.after_offer(said) for turn in self.read.reply(said).turns)

    def checks_line(self, text: str) -> bool:
        """He only asks whether he is heard («Сейчас слышно меня?»)."""
        return bool(self._checks_line.found(text))

    def names_himself(self, text: str) -> bool:
        """A capitalised word right after «меня зовут» (the settings' cues): the operator's name, known or not."""
        found = self._introduction.search(text) if self._introduction is not None else None
        return found is not None and found.group(1).isupper()

    def names_company(self, text: str) -> bool:
        """The operator says which company calls (part of introducing himself)."""
        said = normalize_word(text)
        return any(name in said for name in self.company_names)

    # --- what the customer did about the offer ------------------------------------------------------------
    @cached_property
    def objections(self) -> list[Objection]:
        """Objections after the offer, numbered; «решать владельцу договора» is accepted, not an objection. A refusal
        that says no «нет» but gives a reason («я уже их симку получил, курьер вчера привёз») is one, once the
        operator works on it."""
        read = self.read
        found = [s for s in read.client if read.after_offer(s)
                 and (s.kind in WORKED_KINDS or self._refuses_with_a_reason(s))
                 and not self.owner_decides(s.text) and not read.answers_a_question(s)]
        return [Objection(number, said, read.reply(said)) for number, said in enumerate(found, 1)]

    def _refuses_with_a_reason(self, said: Said) -> bool:
        """A «нет» without the word that the operator works on as an objection (he goes on selling after it)."""
        return said.kind == "refusal" and self._says_no is not None and not self._says_no.found(said.text) \
            and self.read.is_decisive(said) and bool(self.read.reply(said).tags & self.read.role("pushes"))

    @cached_property
    def within_limit(self) -> list[Objection]:
        return [o for o in self.objections if o.number <= self.max_objections]

    @cached_property
    def decisive(self) -> list[Said]:
        found = [s for s in self.read.client if self.read.after_offer(s) and self.read.is_decisive(s)]
        cancelled = self.cancellation
        if cancelled is not None and self.consent is None:
            # «странно как-то… ладно» after a request cancelled without his «да» gives in; it decides nothing
            found = [s for s in found if s.index < cancelled.index]
        return found

    @property
    def final(self) -> Said | None:
        return self.decisive[-1] if self.decisive else None

    @property
    def refused(self) -> bool:
        return self.final is not None and self.final.kind in REFUSED

    @cached_property
    def call_to_action(self) -> Said | None:
        wanted = self.read.role("calls_to_action")
        return next((s for s in self.read.window("after_offer") if s.tags & wanted), None)

    @cached_property
    def dm_identified_at(self) -> int | None:
        return _dm_identified_at(self)

    def worked(self, block: Block) -> bool:
        return len(block.tags & self.read.role("vzor_steps")) >= self.rubric.vzor_min_steps

    @cached_property
    def consent(self) -> Said | None:
        """The customer's explicit «да» to the operator's question whether to cancel the port-out request (a «ладно»
        to «я отменяю заявление» is not one: that was no question)."""
        cancelled = self.cancellation
        return next((s for s in self.read.client if s.kind == "agreement"
                     and any(self._asks_to_cancel(turn) for turn in self.read.prompt(s).turns)
                     and cancelled not in self.read.prompt(s).turns), None)

    def _asks_to_cancel(self, turn: Said) -> bool:
        """«Отменяем заявление?», or «я отменяю ваше заявление… Вы согласны?»: the cancellation put as a question."""
        tags = turn.tags
        return bool(tags & self.read.role("consents")) or bool(
            tags & self.read.role("cancels") and tags & self.read.role("calls_to_action")
            and turn.text.rstrip().endswith("?"))

    @cached_property
    def request_gone(self) -> bool:
        """There is no port-out request left to cancel (the rubric's ``request_gone`` facts)."""
        return any(holds(self, fact) for fact in self.rubric.request_gone)

    @cached_property
    def cancellation(self) -> Said | None:
        """The operator's turn that cancels the port-out request: a question about it («отменяем заявление?») is not
        one; a statement is, even when it reads like one too («Я отменяю заявление и подключаю скидку.»)."""
        if self.request_gone:
            return None
        cancel = self.read.role("cancels")
        return next((s for s in self.read.operator if s.tags & cancel
                     and not (self._asks_to_cancel(s) and "?" in s.text)), None)

    # --- what the scenario says ---------------------------------------------------------------------------
    @property
    def forbidden(self) -> bool:
        return not self.rules.allowed()

    def forbidding_reasons(self) -> list[str]:
        return self.rules.forbidding_reasons()

    @cached_property
    def offered_products(self) -> list[str]:
        """The offers the operator made, in order: those his offer turns name, else the main offer."""
        if self.read.first_offer is None:
            return []
        named = [self.rules.named_offer(s.text) for s in self.read.offer_turns]
        return list(dict.fromkeys(p for p in named if p is not None)) or [self.rules.main_offer]

    def offer_rows(self, correct: str) -> list[dict[str, str | bool | None]]:
        """Every offer of the tab with the code chosen for it and the code the rules give: the main offer's is
        the call's ``correct``; another's is the scenario's, its fate's (forbidden, he has it), «не предлагалось»
        when it was not made, unknown when it was made and allowed."""
        if self.judge is None:
            return []
        rows = []
        for product in self.judge.coded_offers:
            if product == self.judge.main_offer:
                right_code: str | None = correct
            elif product in self.scenario.other_outcomes:
                right_code = self.scenario.other_outcomes[product]
            elif self.judge.fate(product) is not None:
                right_code = self.judge.forbidden_code(product)
            elif product not in self.offered_products:
                right_code = self.call_type.fate("never_made").code
            else:
                right_code = None
            chosen = self.chosen_codes.get(product)
            rows.append({"product": product, "chosen": chosen, "correct": right_code,
                         "right": right_code is None or chosen == right_code})
        return rows

    def offered_forbidden(self) -> list[str]:
        """Offers made although the rules forbade them (or he already had them)."""
        return [p for p in self.offered_products if self.rules.fate(p) is not None]

    @property
    def product_id(self) -> str | None:
        """The scenario's offer the trainee should have made (the first allowed, else the first)."""
        if self.scenario is None or not self.scenario.offers:
            return None
        return self.judge.main_offer

    def heard(self, intent: str) -> bool:
        return any(s.intent == intent for s in self.read.client)

    def situation(self, flag: str) -> bool:
        """The scenario's circumstance; without one, what the customer said (the intent of the same name) or the
        operator confirmed («да, вижу, перенос уже завершён»; «срок отмены уже прошёл», found when cancelling)."""
        if self.scenario is not None:
            return bool(self.scenario.situation.get(flag))
        confirms = self._confirms_situation.get(flag)
        return self.heard(flag) or confirms is not None and any(
            confirms.found(s.text) for s in self.read.operator)

    def offer_expected(self) -> bool:
        """The offer should have been made: the rules allow it (the scenario's, or what the call revealed)."""
        return self.rules.allowed()

    # --- positions ----------------------------------------------------------------------------------------
    def first_said(self, role: str, after: int = -1) -> Said | None:
        wanted = self.read.role(role)
        return next((s for s in self.read.operator if s.index > after and s.tags & wanted), None)

    def identified_before(self, index: int, item_min_digits: int, phrases: PhraseSet) -> bool:
        """The customer was identified before ``index``: the operator asked for identification data (an
        ``identify`` move or a cue phrase), or the customer named his contract number or his own name."""
        digits = re.compile(rf"\d{{{item_min_digits},}}")
        forms = name_forms(self.client_name) if self.client_name else frozenset()
        wanted = self.read.role("identifies")
        for said in self.read.saids:
            if said.index >= index:
                break
            if said.role == "operator":
                if said.tags & wanted or phrases.found(said.text):
                    return True
            elif said.event is None:
                if digits.search(said.text.replace(" ", "")):
                    return True
                if forms and set(re.findall(r"[^\W_]+", normalize_word(said.text))) & forms:
                    return True
        return False


@lru_cache(maxsize=8)
def _introduction_pattern(cues: tuple[str, ...]) -> re.Pattern[str] | None:
    """«меня зовут» and the like followed by the first letter of a name (compiled once per settings, not per call)."""
    alternatives = "|".join(re.escape(cue.strip()) for cue in cues if cue.strip())
    return re.compile(rf"(?i:\b(?:{alternatives}))\s+(\w)") if alternatives else None


def revealed_reasons(read: Reader, rubric: Rubric, phrases: Callable[[tuple[str, ...]], PhraseSet]) -> set[str]:
    """The rules «когда не предлагаем» the call revealed before the offer: an operator's move that states one (in
    the offer's own turn too — he knew it when offering; anywhere, for what was on his screen all along), a
    customer's turn of a kind that is one, or his words that state it («у меня же минус на счету») — before a
    repeated offer too, where the rubric says so (he heard of the move and offered again)."""
    found = set()
    for reason, revealed in rubric.revealed.items():
        moves, kinds, says = set(revealed.moves), set(revealed.kinds), phrases(tuple(revealed.says))
        offered_at = read.last_offer_index if revealed.before_any_offer else read.offer_index
        if any((revealed.whole_call or s.index <= read.offer_index) and s.tags & moves for s in read.operator) \
                or any(s.index < offered_at and kind in kinds and sure >= revealed.min_confidence
                       for s in read.client for kind, sure in (s.kinds if revealed.clauses else s.kinds[:1])) \
                or any((revealed.whole_call or s.index < offered_at) and says.found(s.text)
                       for s in read.client):
            found.add(reason)
    return found


IDENTITY_DIGITS = re.compile(r"\d{4,}")
REFUSING_TO_TALK = REFUSED | {"conflict"}  # the kinds of a turn that will not talk
INTRODUCTION_WORDS = 6  # «Тимур Ильдарович, я звоню по поводу…»: shorter is a hello or «вас слышно?»


def _dm_identified_at(case: Case) -> int | None:
    """Where the decision maker identified himself (retention): his answer to the operator's request for
    identification data — his data, not a refusal or a question back (a date may be said in words); never, when
    the one who answers is not the owner — unless the owner then comes to the phone and identifies himself."""
    if case.scenario is not None and not case.scenario.persona.identity.decision_maker:
        return None
    asked, found, speaks_for_himself = False, None, True
    for said in case.read.saids:
        if said.role == "operator":
            asked = asked or bool(said.tags & case.read.role("identifies"))
        elif said.event is not None:
            continue
        elif case.scenario is None and case.owner_decides(said.text):
            # «симка на папе»: whoever spoke so far does not decide; only one who then comes to the phone and
            # says hello («Да, слушаю. Шубин.») may
            asked, found, speaks_for_himself = False, None, False
        elif said.kind == "hello" and not speaks_for_himself:
            speaks_for_himself = True
        elif found is None and asked and speaks_for_himself and (
                said.kind == "neutral" or _gives_data(said) or IDENTITY_DIGITS.search(said.text.replace(" ", ""))):
            found = said.index
    return found


def _gives_data(said: Said) -> bool:
    """A clause of it is plain data, whatever comes after («…третье ноября семьдесят четвёртого. Довольны?»)."""
    return any(kind == "neutral" for kind, _ in said.kinds[1:])


def _not_the_owner(case: Case) -> bool:
    """The one who answers does not decide: the scenario says so, or he says the number or contract is someone
    else's (the rubric's ``owner_decides`` phrases) and the owner did not come to the phone and identify himself."""
    if case.scenario is not None:
        return not case.scenario.persona.identity.decision_maker
    return any(case.owner_decides(s.text) for s in case.read.client) and case.dm_identified_at is None


def _answered(case: Case) -> bool:
    return bool(case.decisive)


def _pitched(case: Case) -> bool:
    return case.read.first_offer is not None and not case.forbidden


def _selling(case: Case) -> bool:
    return _pitched(case) and not case.refused


def _decision_pending(case: Case) -> bool:
    """Selling and the customer had not already agreed before any call to action."""
    agreed_first = next((s for s in case.decisive if s.kind == "agreement"), None)
    cta = case.call_to_action
    return _selling(case) and not (agreed_first is not None and (cta is None or agreed_first.index < cta.index))


def _hung_up_before_introduction(case: Case) -> bool:
    """He hung up or refused to talk before the operator could say who is calling: at his first words («алло,
    добрый день» is not yet an introduction); an operator who spoke again without introducing himself had his chance."""
    operator = case.read.operator
    intro = next((s for s in operator if case.names_company(s.text)), None)
    # a second turn he could finish was his chance; one cut off («звоню вам, чтобы…») or only checking the line
    # («Вы меня слышите?») was not
    chance = next((s for s in operator[1:] if not s.cut_off and len(s.text.split()) >= INTRODUCTION_WORDS
                   and not case.checks_line(s.text)), None)
    limit = min(intro.index if intro is not None else case.read.turn_count,
                chance.index if chance is not None else case.read.turn_count)
    client = [s for s in case.read.saids if s.role == "client"]
    refused = any(s.index < limit and (s.event is not None or s.kind in REFUSING_TO_TALK) for s in client)
    # «да, я. а вы кто вообще?» (read as conflict), then his passport and his reason: he talked after all
    talked = any(s.index > limit and s.event is None and s.kind not in REFUSING_TO_TALK for s in client)
    return refused and not talked


def _spoke_after_refusal(case: Case) -> bool:
    """The operator had his word after the customer's last «нет» (or «подумаю», or objection): he could still
    answer it — accept it, offer WinBack."""
    last = next((s for s in reversed(case.read.client) if s.kind in {"refusal", "hesitation", "objection",
                                                                      "conflict", "opt_out"}), None)
    return last is not None and any(s.index > last.index for s in case.read.operator)


FACTS: dict[str, Callable[[Case], bool]] = {
    "offered": lambda case: case.read.first_offer is not None,
    "forbidden": lambda case: case.forbidden,
    "forbidden_as_has": lambda case: case.forbidden and Reason.already_has.value in case.forbidding_reasons(),
    "answered": _answered,
    "objections": lambda case: bool(case.objections),
    "pitched": _pitched,
    "selling": _selling,
    "decision_pending": _decision_pending,
    "refused": lambda case: case.refused,
    "client_named": lambda case: case.client_name is not None,
    "offer_expected": lambda case: case.offer_expected(),
    "hung_up": lambda case: bool(case.read.events),
    "hung_up_before_introduction": _hung_up_before_introduction,
    "dm_identified": lambda case: case.dm_identified_at is not None,
    "consented": lambda case: case.consent is not None,
    "cancelled": lambda case: case.cancellation is not None,
    "spoke_after_refusal": _spoke_after_refusal,
    "scenario": lambda case: case.scenario is not None,
    "not_the_owner": _not_the_owner,
    "requested": lambda case: case.requested,
    "disconnects_an_offer": lambda case: case.disconnects_an_offer,
    "has_it_confirmed": lambda case: case.has_it_confirmed,
    # «давайте в пятницу созвонимся» as his last word: call him back (Клиент думает)
    "asks_to_call_back": lambda case: case.final is not None and case.asks_to_call_back(case.final.text),
    "request_gone": lambda case: case.request_gone,
    "owner_decides": lambda case: any(case.read.after_offer(s) and case.owner_decides(s.text)
                                      for s in case.read.client),
}
FAMILIES = ("answer", "heard", "heard_kind", "said", "situation")


def holds(case: Case, fact: str) -> bool:
    name, _, argument = fact.partition(":")
    if not argument:
        return FACTS[name](case)
    if name == "answer":
        return case.final is not None and case.final.kind == argument
    if name == "heard":
        return case.heard(argument)
    if name == "heard_kind":
        # «нет» to «остались вопросы?» answers the question: a decision counts only where it is one
        return any(s.kind == argument and (argument not in DECISIVE_KINDS or case.read.is_decisive(s))
                   for s in case.read.client)
    if name == "said":
        return any(argument in s.tags for s in case.read.operator)
    return case.situation(argument)


def fact_problem(fact: str, *, kinds: tuple[str, ...] = INTENT_KINDS, intents: set[str] | None = None,
                 moves: set[str] | None = None, situation: set[str] | None = None) -> str | None:
    """Why an authored fact name is not one (None when it is): an unknown name or argument."""
    name, colon, argument = fact.partition(":")
    if not colon:
        return None if name in FACTS else f"unknown fact {fact!r}; known: {', '.join(sorted(FACTS))}, " \
                                          f"or {', '.join(f + ':…' for f in FAMILIES)}"
    if name not in FAMILIES:
        return f"unknown fact family {name!r}; known: {', '.join(FAMILIES)}"
    known = {"answer": set(kinds), "heard_kind": set(kinds), "heard": intents, "said": moves,
             "situation": situation}[name]
    if known is not None and argument not in known:
        return f"{fact}: unknown {name} argument {argument!r}"
    return None
