"""The trainee scorecard: a finished transcript → checklist, blockers, toxic flags, response code, feedback.

Works on any transcript (trainee mode, ``python main.py score``, a trainer's own file); a scenario adds its
eligibility context (was the offer allowed at all?) and its expected outcome. The rules are here; every number and
every word lives in dialogues/scorecard.yaml (weights, thresholds, feedback, advice on clichés).

How a transcript is read (the operator's moves and the customer's intents come from engine/understanding):

* The **offer** starts at the first operator turn that offers, proposes to connect, or frames a price per day.
* An **objection** is a customer turn with an ``objection_*`` or ``think`` intent after the offer; it is **worked
  with В.З.О.Р** when the operator's reply (his turns up to the customer's next turn) carries at least
  ``vzor_min_steps`` of empathy/clarify/benefit/summary.
* ``too_many_objections``: the operator went on working or offering in reply to an objection beyond the call
  type's ``max_objections`` (two: «нельзя работать больше, чем с двумя возражениями»).
* ``ignored_refusal``: the operator went on offering in reply to a clear «нет» after the offer, or offered at all
  after the customer refused marketing (``opt_out``). A reply that accepts the refusal (understanding, goodbye)
  may still say «позвоните — подключим»: that is not pushing.
* A «нет»/«да» in answer to «какие вопросы у вас остались?», and a «да» to a clarifying question, are answers to
  those questions, not decisions about the offer.
* The **correct response code** comes from the shared rules in engine/responses.py: the customer's last decisive
  reaction gives the outcome (agreed, thinking, declined…, no reaction → hung up, no offer → not offered); when a
  scenario forbids every offer in it, the outcome is that of the eligibility verdict.
* Checks that do not apply to this call (no offer was made, no objection was raised, the offer was forbidden…) are
  listed in ``not_applicable`` and do not count in the score. Each check's value says whether it was done.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from jinja2 import TemplateError
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator

from .content.scorecard_content import CHECK_FLAGS, CHECKS, DEFAULT_SCORECARD, VZOR_STEPS, FeedbackText
from .content.speech import Person
from .eligibility import EligibilityContext, Verdict, check_eligibility, reason_texts
from .responses import Outcome, outcome_of_verdict, response_code
from .russian import morph
from .understanding.lexicon import CLIENT_INTENTS
from .understanding.names import name_forms
from .understanding.text import normalize_word

if TYPE_CHECKING:
    from .content.loader import Content
    from .conversation import Snapshot
    from .content.scenarios import Scenario
    from .understanding import Understanding

OBJECTION_INTENTS = frozenset({"objection_price", "objection_need", "objection_have", "objection_time", "think"})
DECISIVE_INTENTS = OBJECTION_INTENTS | {"agree", "decline", "opt_out"}
STOP_INTENTS = frozenset({"complaint", "churn", "relocation", "opt_out"})
ISSUE_OPEN_INTENTS = frozenset({"tech_problem", "complaint", "question", "churn", "relocation"})
OFFER_START = frozenset({"offer", "call_to_action", "price_per_day"})
PRICE_MOVES = frozenset({"price", "price_per_day"})
PUSH_MOVES = frozenset({"offer", "price", "price_per_day", "benefit", "summary"})
WORK_MOVES = PUSH_MOVES | {"clarify"}
ACCEPTING_MOVES = frozenset({"empathy", "farewell"})
DECISION_PROMPTS = frozenset({"call_to_action", "summary", "offer"})
OPENING_TURNS = 2
CLOSING_TURNS = 2
BLOCKER_ORDER = ("offered_when_forbidden", "ignored_refusal", "too_many_objections")
PERSON_NAME_MIN_SCORE = 0.3
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


class ScoreInputError(ValueError):
    """The input names something the content does not know, or has nothing to score."""


class Turn(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    role: Literal["operator", "client"]
    text: str
    intent: str | None = Field(default=None, description="A customer turn's known intent (e.g. the simulated "
                                                          "customer's); read by the understanding when absent")

    @field_validator("intent")
    @classmethod
    def _known_intent(cls, value: str | None) -> str | None:
        if value is not None and value not in CLIENT_INTENTS:
            raise ValueError(f"unknown intent {value!r}; use one of {', '.join(CLIENT_INTENTS)}")
        return value


class ScoreInput(BaseModel):
    """A finished dialogue (CONTRACT.md, ``python main.py score``). Extra fields are ignored and ``transcript`` is
    read as ``turns``, so the output of ``play --json`` scores as it is."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    client_name: str | None = None
    outcome: str | None = Field(default=None, description="The response code the operator chose")
    scenario: str | None = None
    turns: list[Turn] = Field(validation_alias=AliasChoices("turns", "transcript"))

    @classmethod
    def of_session(cls, snapshot: Snapshot, content: Content) -> ScoreInput:
        """A trainee-mode conversation: the scenario's customer, the code the trainee saved, the transcript."""
        scenario = content.scenarios.get(snapshot.scenario_id or "")
        name = f"{scenario.persona.first_name} {scenario.persona.patronymic}".strip() if scenario else None
        return cls(client_name=name, outcome=snapshot.mode_state.get("outcome"), scenario=snapshot.scenario_id,
                   turns=[Turn(role=line.role, text=line.text, intent=_known(line.analysis.get("intent")))
                          for line in snapshot.lines])


class Scorecard(BaseModel):
    model_config = ConfigDict(frozen=True)

    score: int
    passed: bool
    checks: dict[str, bool | int]
    flags: list[str]
    feedback: list[str]
    not_applicable: list[str]
    chosen: str | None
    correct: str
    offer_allowed: bool | None = None
    reasons: list[str] = Field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "score": self.score,
            "passed": self.passed,
            "checks": dict(self.checks),
            "flags": list(self.flags),
            "feedback": list(self.feedback),
            "not_applicable": list(self.not_applicable),
            "response_code": {"chosen": self.chosen, "correct": self.correct},
        }
        if self.offer_allowed is not None:
            result["eligibility"] = {"allowed": self.offer_allowed, "reasons": list(self.reasons)}
        return result


@dataclass(frozen=True)
class Said:
    """One non-empty turn with what was understood of it."""

    index: int
    role: str
    text: str
    tags: frozenset[str] = frozenset()
    by_name: bool = False
    intent: str | None = None


@dataclass
class Block:
    """The operator's turns between two customer turns, read as one reply."""

    turns: list[Said] = field(default_factory=list)

    @property
    def tags(self) -> frozenset[str]:
        return frozenset().union(*(turn.tags for turn in self.turns))

    def first_with(self, tags: Iterable[str]) -> Said | None:
        wanted = set(tags)
        return next((turn for turn in self.turns if turn.tags & wanted), None)


@dataclass(frozen=True)
class Objection:
    number: int
    said: Said
    reply: Block


@dataclass
class Problem:
    """One feedback item before it is worded."""

    feedback_id: str
    values: dict[str, Any] = field(default_factory=dict)
    better: str | None = None


def normalize(text: str) -> str:
    """Lower case, ё as е, words only, single spaces, padded: ``" слово слово "`` for word-start matching."""
    return " " + " ".join(_WORD.findall(normalize_word(text))) + " "


def contains(text_norm: str, phrase: str) -> bool:
    return normalize(phrase).rstrip() in text_norm


def quote(text: str, max_words: int) -> str:
    """At most ``max_words`` words; a final full stop is dropped (the quote sits inside a sentence)."""
    words = text.split()
    if len(words) <= max_words:
        whole = " ".join(words)
        return whole[:-1] if whole.endswith(".") and not whole.endswith("..") else whole
    return " ".join(words[:max_words]) + " …"


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


class _Reader:
    """Reads one transcript: turns, replies, the offer, objections and refusals."""

    def __init__(self, dialogue: ScoreInput, client_name: str | None, nlu: Understanding):
        self.saids: list[Said] = []
        self.blocks_after: dict[int, Block] = {}
        self.blocks_before: dict[int, Block] = {}
        for index, turn in enumerate(dialogue.turns):
            text = " ".join(turn.text.split())
            if not text:
                continue
            if turn.role == "operator":
                moves = nlu.operator_moves(text, client_name)
                said = Said(index, "operator", text, frozenset(moves.tags), moves.addresses_by_name)
            else:
                said = Said(index, "client", text, intent=turn.intent)
            self.saids.append(said)
        self.operator = [s for s in self.saids if s.role == "operator"]
        self.first_offer = next((s for s in self.operator if s.tags & OFFER_START), None)
        self._read_client(nlu)

    def _read_client(self, nlu: Understanding) -> None:
        """Intents in the stage context, the blocks around each customer turn."""
        current = Block()
        pending: Said | None = None
        first_client = True
        objections_seen = False
        resolved: list[Said] = []
        for said in self.saids:
            if said.role == "operator":
                current.turns.append(said)
                continue
            if pending is not None:
                self.blocks_after[pending.index] = current
            self.blocks_before[said.index] = current
            after_offer = self.first_offer is not None and said.index > self.first_offer.index
            if after_offer:
                context: str | None = "objection" if objections_seen else "offer"
            else:
                context = "greeting" if first_client else None
            intent = said.intent or nlu.client_intent(said.text, context).intent
            if after_offer and intent in OBJECTION_INTENTS:
                objections_seen = True
            said = Said(said.index, "client", said.text, intent=intent)
            resolved.append(said)
            first_client = False
            pending = said
            current = Block()
        if pending is not None:
            self.blocks_after[pending.index] = current
        by_index = {s.index: s for s in resolved}
        self.saids = [by_index.get(s.index, s) for s in self.saids]
        self.client = [s for s in self.saids if s.role == "client"]

    def after_offer(self, said: Said) -> bool:
        return self.first_offer is not None and said.index > self.first_offer.index

    def reply(self, said: Said) -> Block:
        return self.blocks_after.get(said.index, Block())

    def prompt(self, said: Said) -> Block:
        return self.blocks_before.get(said.index, Block())

    def is_decisive(self, said: Said) -> bool:
        """Whether a customer turn after the offer is a decision about it, not an answer to another question."""
        if said.intent not in DECISIVE_INTENTS:
            return False
        asked = self.prompt(said).tags
        if said.intent in {"agree", "decline"} and "check_questions" in asked and not asked & {"call_to_action",
                                                                                                "offer"}:
            return False
        if said.intent == "agree" and "clarify" in asked and not asked & DECISION_PROMPTS:
            return False
        return True


def _selling_turn(block: Block, moves: frozenset[str] | set[str]) -> Said | None:
    """The turn of a reply that goes on selling (one of ``moves``); a reply that accepts («понимаю», goodbye) may
    still invite the customer back without selling."""
    turn = block.first_with(moves)
    if turn is not None:
        return turn
    if "call_to_action" in block.tags and not block.tags & ACCEPTING_MOVES:
        return block.first_with({"call_to_action"})
    return None


def _pushing(block: Block) -> Said | None:
    return _selling_turn(block, PUSH_MOVES)


def _working(block: Block) -> Said | None:
    return _selling_turn(block, WORK_MOVES)


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


def _client_person(scenario: Scenario | None, client_name: str | None) -> Person:
    if scenario is not None:
        persona = scenario.persona
        return Person(persona.first_name, persona.patronymic, persona.gender)
    return Person(client_name or "")


def score_dialogue(dialogue: ScoreInput, content: Content, nlu: Understanding, *, pass_mark: int | None = None,
                   today: dt.date | None = None) -> Scorecard:
    """Score one finished dialogue; raises ScoreInputError when the input names unknown ids or has no operator."""
    return _Scoring(dialogue, content, nlu, pass_mark, today or dt.date.today()).run()


def _known(intent: Any) -> str | None:
    return intent if isinstance(intent, str) and intent in CLIENT_INTENTS else None


def score_session(snapshot: Snapshot, content: Content, nlu: Understanding, *,
                  pass_mark: int | None = None) -> Scorecard:
    """The scorecard at the end of a training session."""
    return score_dialogue(ScoreInput.of_session(snapshot, content), content, nlu, pass_mark=pass_mark)


class _Scoring:
    def __init__(self, dialogue: ScoreInput, content: Content, nlu: Understanding, pass_mark: int | None,
                 today: dt.date):
        self.content = content
        self.policy = content.scorecard[DEFAULT_SCORECARD]
        self.pass_mark = self.policy.pass_mark if pass_mark is None else pass_mark
        self.today = today
        if dialogue.scenario is not None and dialogue.scenario not in content.scenarios:
            raise ScoreInputError(f"unknown scenario {dialogue.scenario!r}; known: "
                                  f"{', '.join(sorted(content.scenarios)) or 'none'}")
        if dialogue.outcome is not None and dialogue.outcome not in content.response_codes:
            raise ScoreInputError(f"unknown outcome {dialogue.outcome!r}; use one of "
                                  f"{', '.join(content.response_codes)}")
        if not 0 <= self.pass_mark <= 100:
            raise ScoreInputError(f"pass mark {self.pass_mark} is not within 0-100")
        self.scenario = content.scenarios.get(dialogue.scenario or "")
        persona_name = self.scenario and f"{self.scenario.persona.first_name} {self.scenario.persona.patronymic}"
        self.client_name = (dialogue.client_name or "").strip() or persona_name or None
        self.dialogue = dialogue
        self.read = _Reader(dialogue, self.client_name, nlu)
        if not self.read.operator:
            raise ScoreInputError("turns: no operator turn to score")
        self.max_objections = content.call_types[self.policy.call_type].max_objections
        self.verdicts = self._verdicts()
        self.problems: list[Problem] = []

    # --- what the scenario allows -------------------------------------------------------------------------
    def _verdicts(self) -> list[Verdict]:
        if self.scenario is None:
            return []
        return [check_eligibility(EligibilityContext(offer=offer, customer=self.scenario.customer,
                                                     call=self.scenario.call), self.content)
                for offer in self.scenario.offers]

    @property
    def offer_allowed(self) -> bool | None:
        if self.scenario is None:
            return None
        return any(verdict.allowed for verdict in self.verdicts)

    def forbidding_reasons(self) -> list[str]:
        codes: list[str] = []
        for verdict in self.verdicts:
            for reason in verdict.reasons:
                if reason.value not in codes:
                    codes.append(reason.value)
        return codes

    @property
    def product_id(self) -> str | None:
        """The scenario's offer the trainee should have made (the first allowed, else the first)."""
        if self.scenario is None or not self.scenario.offers:
            return None
        allowed = [v.offer for v in self.verdicts if v.allowed]
        return allowed[0] if allowed else self.scenario.offers[0]

    # --- the run ------------------------------------------------------------------------------------------
    def run(self) -> Scorecard:
        read = self.read
        offered = read.first_offer is not None
        objections = [s for s in read.client if read.after_offer(s) and s.intent in OBJECTION_INTENTS
                      and not self._owner_decides(s)]
        objections_list = [Objection(n, said, read.reply(said)) for n, said in enumerate(objections, 1)]
        decisive = [s for s in read.client if read.after_offer(s) and read.is_decisive(s)]
        final = decisive[-1] if decisive else None
        refused = final is not None and final.intent in {"decline", "opt_out"}
        forbidden = self.offer_allowed is False
        expected = self._offer_expected()

        flags: set[str] = set()
        checks: dict[str, bool | int] = {}
        applicable: dict[str, bool] = {}

        def check(name: str, value: bool, applies: bool = True) -> None:
            checks[name] = bool(value)
            applicable[name] = applies

        opening = read.operator[:OPENING_TURNS]
        greeting = next((s for s in opening if "greeting" in s.tags), None)
        check("greeting", greeting is not None)
        check("introduced", self._introduced(opening))
        named = any(s.by_name for s in read.operator)
        check("name", named, applies=self.client_name is not None)
        check("identification", self._identified())
        issue_ok = self._issue_before_offer()
        check("issue_before_offer", issue_ok, applies=offered)
        offer_index = read.first_offer.index if read.first_offer else -1
        bridge = any("bridge" in s.tags for s in read.operator if s.index <= offer_index)
        pitched = offered and not forbidden  # a forbidden offer is judged as such, not on how well it was made
        check("bridge", bridge, applies=pitched)
        check("offer", offered, applies=(offered and not forbidden) or (not offered and expected))
        presentation = self._presentation(decisive)
        check("benefits", any("benefit" in s.tags for s in presentation), applies=pitched)
        priced = any(s.tags & PRICE_MOVES for s in read.operator if s.index >= offer_index)
        check("price", priced, applies=pitched)
        within = [o for o in objections_list if o.number <= self.max_objections]
        worked = [o for o in objections_list if self._worked(o.reply)]
        check("vzor", all(self._worked(o.reply) for o in within), applies=pitched and bool(within))
        checks["objections_worked"] = len(worked)
        too_many = [o for o in objections_list if o.number > self.max_objections and _working(o.reply)]
        check("objection_limit", not too_many, applies=offered and bool(objections_list))
        after = [s for s in read.operator if s.index >= offer_index] if offered else []
        selling = offered and not forbidden and not refused
        check("check_questions", any("check_questions" in s.tags for s in after), applies=selling)
        cta = next((s for s in after if "call_to_action" in s.tags), None)
        agreed_first = next((s for s in decisive if s.intent == "agree"), None)
        cta_needed = selling and not (agreed_first is not None and (cta is None or agreed_first.index < cta.index))
        check("call_to_action", cta is not None, applies=cta_needed)
        closing = read.operator[-CLOSING_TURNS:]
        check("farewell", any("farewell" in s.tags for s in closing))

        outcome = self._outcome(offered, final, bool(objections_list))
        correct = response_code(outcome).value
        chosen = self.dialogue.outcome
        check("outcome_correct", chosen == correct)

        # --- blockers and toxic properties --------------------------------------------------------------
        if offered and forbidden:
            flags.add("offered_when_forbidden")
            self.problems.append(self._problem("offered_when_forbidden", read.first_offer,
                                               reasons="; ".join(self._reason_texts())))
        refusal = self._ignored_refusal()
        if refusal is not None:
            flags.add("ignored_refusal")
            refusal_said, push = refusal
            self.problems.append(self._problem("ignored_refusal", push, client=refusal_said))
        if too_many:
            flags.add("too_many_objections")
            first = too_many[0]
            self.problems.append(self._problem("too_many_objections", _working(first.reply), client=first.said,
                                               max=self.max_objections))
        for name in ("greeting", "name", "farewell"):
            if applicable[name] and not checks[name]:
                flags.add(CHECK_FLAGS[name])
        if chosen != correct:
            flags.add("wrong_outcome")
        cliches = [s for s in read.operator if "cliche" in s.tags]
        if cliches:
            flags.add("cliche")
        pushy = self._pushy(cta)
        if pushy is not None:
            flags.add("pushy")
        long_turns = [s for s in read.operator if len(s.text.split()) > self.policy.max_turn_words]
        if long_turns:
            flags.add("too_long")

        # --- the score ----------------------------------------------------------------------------------
        weights = self.policy.weights
        total = sum(weights[name] for name in CHECKS if applicable.get(name))
        earned = sum(weights[name] for name in CHECKS if applicable.get(name) and checks[name])
        score = round(100 * earned / total) if total else 100
        score -= sum(self.policy.penalties.get(flag, 0) for flag in flags)
        score = max(0, min(100, score))
        blocked = bool(flags & set(self.policy.blockers))
        passed = score >= self.pass_mark and not blocked

        # --- feedback, in the order of the call ---------------------------------------------------------
        self._check_problems(checks, applicable, greeting, objections_list, within)
        for said in cliches:
            self.problems.append(self._cliche_problem(said))
        if pushy is not None:
            self.problems.append(self._problem("pushy", pushy))
        for said in long_turns:
            self.problems.append(self._problem("too_long", said, max=self.policy.max_turn_words))
        why = self._why(outcome)
        labels = {code: item.label for code, item in self.content.response_codes.items()}
        if chosen is None:
            self.problems.append(Problem("no_outcome", {"correct": labels[correct], "why": why}))
        elif chosen != correct:
            self.problems.append(Problem("wrong_outcome", {"chosen": labels[chosen], "correct": labels[correct],
                                                           "why": why}))
        if self.scenario is not None and not forbidden and self.scenario.expected_outcome != correct \
                and self.scenario.expected_outcome in labels:
            self.problems.append(Problem("expected_differs", {"expected": labels[self.scenario.expected_outcome],
                                                              "correct": labels[correct]}))
        feedback = self._word(score, passed, blocked)
        not_applicable = sorted(name for name in CHECKS if not applicable.get(name))
        ordered_checks = {name: checks[name] for name in CHECKS}
        ordered_checks["objections_worked"] = checks["objections_worked"]
        return Scorecard(
            score=score, passed=passed, checks=ordered_checks, flags=sorted(flags), feedback=feedback,
            not_applicable=not_applicable, chosen=chosen, correct=correct, offer_allowed=self.offer_allowed,
            reasons=self.forbidding_reasons() if forbidden else [],
        )

    # --- the checks ---------------------------------------------------------------------------------------
    def _offer_expected(self) -> bool:
        if self.scenario is not None:
            return bool(self.offer_allowed)
        read = self.read
        limit = read.first_offer.index if read.first_offer else len(self.dialogue.turns)
        return not any(s.intent in STOP_INTENTS for s in read.client if s.index < limit)

    def _introduced(self, opening: list[Said]) -> bool:
        text = normalize(" ".join(s.text for s in opening))
        companies = [*self.policy.company_names, self.content.assistant.company]
        company = any(contains(text, name) for name in companies if name.strip())
        exclude = name_forms(self.client_name) if self.client_name else frozenset()
        return company and any(_names_someone(s.text, exclude) for s in opening)

    def _identified(self) -> bool:
        read = self.read
        limit = read.first_offer.index if read.first_offer else len(self.dialogue.turns)
        digits = re.compile(rf"\d{{{self.policy.contract_min_digits},}}")
        forms = name_forms(self.client_name) if self.client_name else frozenset()
        for said in read.saids:
            if said.index >= limit:
                break
            if said.role == "operator":
                text = normalize(said.text)
                if any(contains(text, cue) for cue in self.policy.identification_cues):
                    return True
            else:
                if digits.search(said.text.replace(" ", "")):
                    return True
                if forms and set(normalize(said.text).split()) & forms:
                    return True
        return False

    def _issue_before_offer(self) -> bool:
        """The operator answered the customer before offering, and the customer's last word was not a problem."""
        read = self.read
        if read.first_offer is None:
            return True
        before = [s for s in read.saids if s.index < read.first_offer.index]
        clients = [s for s in before if s.role == "client"]
        if not clients:
            return False
        answered = any(s.role == "operator" and s.index > clients[0].index for s in before)
        return answered and clients[-1].intent not in ISSUE_OPEN_INTENTS

    def _presentation(self, decisive: list[Said]) -> list[Said]:
        """Operator turns from the offer to the customer's first reaction to it."""
        read = self.read
        if read.first_offer is None:
            return []
        end = decisive[0].index if decisive else len(self.dialogue.turns)
        return [s for s in read.operator if read.first_offer.index <= s.index < end]

    def _owner_decides(self, said: Said) -> bool:
        """«Договор не на мне — решать владельцу»: accepted as «Клиент думает», not an objection to work."""
        text = normalize(said.text)
        return any(contains(text, phrase) for phrase in self.policy.owner_decides)

    def _worked(self, block: Block) -> bool:
        return len(block.tags & set(VZOR_STEPS)) >= self.policy.vzor_min_steps

    def _ignored_refusal(self) -> tuple[Said, Said] | None:
        read = self.read
        for said in read.client:
            if said.intent == "opt_out":
                later = [s for s in read.operator if s.index > said.index]
                push = next((s for s in later if s.tags & OFFER_START), None)
                if push is None and read.after_offer(said):
                    push = _pushing(read.reply(said))
                if push is not None:
                    return said, push
            elif said.intent == "decline" and read.after_offer(said) and read.is_decisive(said):
                push = _pushing(read.reply(said))
                if push is not None:
                    return said, push
        return None

    def _pushy(self, cta: Said | None) -> Said | None:
        """A call to action before any benefit was named (pushes for the decision directly)."""
        if cta is None:
            return None
        if any("benefit" in s.tags for s in self.read.operator if s.index <= cta.index):
            return None
        return cta

    def _outcome(self, offered: bool, final: Said | None, had_objections: bool) -> Outcome:
        if self.offer_allowed is False:
            return outcome_of_verdict(self.forbidding_reasons())
        if not offered:
            return Outcome.not_offered
        if final is None:
            return Outcome.hung_up
        if final.intent == "agree":
            return Outcome.agreed_after_objections if had_objections else Outcome.agreed
        if final.intent == "think":
            return Outcome.thinking
        if final.intent in {"decline", "opt_out"}:
            return Outcome.declined_after_objections if had_objections else Outcome.declined
        return Outcome.declined_after_objections

    def _reason_texts(self) -> list[str]:
        return reason_texts(self.forbidding_reasons(), self.content)

    def _why(self, outcome: Outcome) -> str:
        text = self.policy.outcome_reasons[outcome.value]
        return text.format(**self._values(reasons="; ".join(self._reason_texts())))

    # --- problems → feedback ------------------------------------------------------------------------------
    def _check_problems(self, checks: dict[str, bool | int], applicable: dict[str, bool], greeting: Said | None,
                        objections: list[Objection], within: list[Objection]) -> None:
        read = self.read
        first = read.operator[0]
        offer_turn = read.first_offer
        for name in CHECKS:
            if not applicable.get(name) or checks[name]:
                continue
            if name in ("objection_limit", "outcome_correct"):
                continue  # worded with their flag / the response code
            feedback_id = CHECK_FLAGS.get(name, name)
            if name == "greeting":
                self.problems.append(self._problem(feedback_id, first))
            elif name == "introduced":
                if greeting is not None:  # without a greeting, its own feedback says how to introduce oneself
                    self.problems.append(self._problem(feedback_id, greeting))
            elif name == "name":
                self.problems.append(self._problem(feedback_id, offer_turn or greeting or first))
            elif name == "farewell":
                self.problems.append(self._problem(feedback_id, read.operator[-1]))
            elif name == "vzor":
                for objection in within:
                    if self._worked(objection.reply):
                        continue
                    missing = [self.policy.vzor_step_names[step] for step in VZOR_STEPS
                               if step not in objection.reply.tags]
                    reply = objection.reply.turns[0] if objection.reply.turns else None
                    problem = self._problem("vzor", reply, client=objection.said, steps=", ".join(missing),
                                            objection=objection.said.intent)
                    self.problems.append(problem)
            elif name in ("issue_before_offer", "bridge", "benefits", "price"):
                self.problems.append(self._problem(feedback_id, offer_turn))
            else:
                self.problems.append(self._problem(feedback_id, None))

    def _problem(self, feedback_id: str, said: Said | None, client: Said | None = None, objection: str | None = None,
                 **values: Any) -> Problem:
        if said is not None:
            values["quote"] = quote(said.text, self.policy.quote_max_words)
        if client is not None:
            values["client_quote"] = quote(client.text, self.policy.quote_max_words)
        return Problem(feedback_id, values, self._speech_better(self.content.scorecard_feedback[feedback_id],
                                                                objection))

    def _cliche_problem(self, said: Said) -> Problem:
        text = normalize(said.text)
        advice = next((item for item in self.content.scorecard_cliches.values()
                       if any(contains(text, phrase) for phrase in item.phrases)), None)
        problem = self._problem("cliche", said)
        if advice is not None:
            problem.better = advice.better.format(**self._values(**problem.values))
        return problem

    def _operator_person(self) -> Person:
        words = set(normalize(" ".join(s.text for s in self.read.operator)).split())
        feminine = bool(words & {normalize_word(marker) for marker in self.policy.feminine_markers})
        return Person("", gender="f" if feminine else "m", company=self.content.assistant.company)

    def _speech_better(self, item: FeedbackText, objection: str | None) -> str | None:
        """With a scenario, the project's own speech module for this situation (the model phrase)."""
        product_id = self.product_id
        if product_id is None:
            return None
        template = item.template
        if item.speech == "bridge":
            bridge = self.content.bridges.get(self.scenario.issue) if self.scenario else None
            template = bridge.template if bridge is not None else None
        elif item.speech == "offer":
            template = self.content.products[product_id].speech
        elif item.speech == "objection":
            known = self.content.objections.get(objection or "")
            template = known.template if known is not None else None
        if template is None:
            return None
        client = _client_person(self.scenario, self.client_name)
        context = self.content.speech_context(client, self._operator_person(), product_id, self.today)
        allowed = {"client", "operator", "product", "products"}
        try:
            text = self.content.speech.render(template, **{k: v for k, v in context.items() if k in allowed})
        except (TemplateError, TypeError, ValueError, ArithmeticError, AttributeError, LookupError):
            return None
        return " ".join(text.split())

    def _values(self, **values: Any) -> dict[str, Any]:
        client = self.client_name or ""
        product = self.content.products[self.product_id].name if self.product_id else ""
        base = {"client": client, "quote": "", "client_quote": "", "better": "", "reasons": "", "count": 0,
                "max": self.max_objections, "steps": "", "chosen": "", "correct": "", "why": "",
                "score": 0, "pass_mark": self.pass_mark, "company": self.content.assistant.company,
                "expected": "", "product": product}
        base.update(values)
        base["quote_tail"] = lower_first(str(base["quote"]))
        return base

    def _render(self, problem: Problem) -> str:
        item = self.content.scorecard_feedback[problem.feedback_id]
        values = self._values(**problem.values)
        text = item.text.format(**values)
        better = problem.better
        if better is None and item.better is not None:
            better = item.better.format(**values)
        if better:
            text = f"{text} {self.content.scorecard_feedback['better'].text.format(**self._values(better=better))}"
        return text

    def _word(self, score: int, passed: bool, blocked: bool) -> list[str]:
        summary = "summary_blocked" if blocked else ("summary_passed" if passed else "summary_failed")
        lines = [self.content.scorecard_feedback[summary].text.format(**self._values(score=score))]
        blockers = sorted((p for p in self.problems if p.feedback_id in BLOCKER_ORDER),
                          key=lambda p: BLOCKER_ORDER.index(p.feedback_id))
        rest = [p for p in self.problems if p.feedback_id not in BLOCKER_ORDER]
        seen: set[str] = set()
        for problem in [*blockers, *rest]:
            line = self._render(problem)
            if line not in seen:
                seen.add(line)
                lines.append(line)
        if len(lines) == 1:
            lines.append(self.content.scorecard_feedback["all_good"].text.format(**self._values()))
        return lines
