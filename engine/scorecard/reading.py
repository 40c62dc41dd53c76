"""Reading one transcript through the understanding: who said what, where the offer starts, the replies around
each customer turn, which customer turns decide about the offer.

The operator's moves and the customer's intents come from the one understanding (engine/understanding); what the
moves *mean* to the judge (which start an offer, which go on selling…) comes from the rubric's move roles, and
what an intent means from its declared kind.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..vocabulary import DECISIVE_KINDS, HUNG_UP, WORKED_KINDS
from .transcript import ScoreInput

SURE_CLAUSE = 0.95  # a clause read at least this surely says its own thing inside a longer turn
UNSURE = 0.5  # a reading of the whole turn below this is a guess; its sure clauses say more
SETTLED_KINDS = DECISIVE_KINDS - {"objection"}  # answers that settle the offer; an objection still awaits its work
AGREED_OR_DEFERRED = frozenset({"agreement", "hesitation"})
REFUSED = frozenset({"refusal", "opt_out"})
DEFERRED = frozenset({"hesitation"})

if TYPE_CHECKING:
    from ..content.rubric import Rubric
    from ..understanding import Understanding


@dataclass(frozen=True)
class Said:
    """One turn: an operator's words with their moves, a customer's words with their intent, or his hang-up."""

    index: int
    role: str
    text: str
    tags: frozenset[str] = frozenset()
    by_name: bool = False
    intent: str | None = None
    kind: str | None = None
    event: str | None = None
    # every kind the turn says with how sure (1: given, as in trainee mode): the whole, and each clause
    # («надоели! хочу расторгнуть» is both)
    kinds: tuple[tuple[str, float], ...] = ()

    @property
    def cut_off(self) -> bool:
        """Said only in part: the speaker goes on, or was interrupted («звоню вам, чтобы…», «…а также»)."""
        return self.text.endswith(("…", "..."))


LISTENING_WORDS = 2  # «угу», «ага, слушаю»: longer is an answer of its own


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


class Reader:
    """One transcript, read once: turns, replies, the offer, and what each customer turn means."""

    def __init__(self, dialogue: ScoreInput, client_name: str | None, rubric: Rubric, nlu: Understanding,
                 call_type: str):
        self.rubric = rubric
        self.roles = {role: frozenset(moves) for role, moves in rubric.moves.items()}
        self.saids: list[Said] = []
        for index, turn in enumerate(dialogue.turns):
            if turn.event == HUNG_UP:
                self.saids.append(Said(index, "client", "", event=HUNG_UP))
                continue
            text = " ".join(turn.text.split())
            if not text:
                continue
            if turn.role == "operator":
                moves = nlu.operator_moves(text, client_name)
                self.saids.append(Said(index, "operator", text, frozenset(moves.tags), moves.addresses_by_name))
            else:
                self.saids.append(Said(index, "client", text, intent=turn.intent))
        self.turn_count = len(dialogue.turns)
        self.operator = [s for s in self.saids if s.role == "operator"]
        # «звоню рассказать про видеонаблюдение — пару слов, можно?» asks leave to offer; without a price, not one
        # yet; «подключу обещанный платёж» solves his issue, it sells nothing
        solutions = nlu.phrases(tuple(rubric.solutions))
        self._refuses = nlu.phrases(tuple(rubric.refuses))
        self._agrees = nlu.phrases(tuple(rubric.agrees))
        self._listens = nlu.phrases(tuple(rubric.listens))
        self.offer_turns = [s for s in self.operator if s.tags & self.role("offers")
                            and not s.tags & self.role("not_offers")
                            and not (s.tags & self.role("asks_permission") and not s.tags & self.role("prices"))
                            and not solutions.found(s.text)]
        self.first_offer = self.offer_turns[0] if self.offer_turns else None
        self.blocks_after: dict[int, Block] = {}
        self.blocks_before: dict[int, Block] = {}
        self._read_client(nlu, call_type)

    def role(self, name: str) -> frozenset[str]:
        return self.roles.get(name, frozenset())

    @property
    def offer_index(self) -> int:
        """Index of the first offer turn; past the end when there was none."""
        return self.first_offer.index if self.first_offer is not None else self.turn_count

    @property
    def last_offer_index(self) -> int:
        """Index of the last offer turn; past the end when there was none."""
        return self.offer_turns[-1].index if self.offer_turns else self.turn_count

    def _read_client(self, nlu: Understanding, call_type: str) -> None:
        """Intents in the context of the call's phase, the blocks around each customer turn."""
        readings = self.rubric.readings
        current = Block()
        pending: Said | None = None
        first_words = True
        objections_seen = False
        resolved: dict[int, Said] = {}
        for said in self.saids:
            if said.role == "operator":
                current.turns.append(said)
                continue
            if pending is not None:
                self.blocks_after[pending.index] = current
            self.blocks_before[said.index] = current
            if said.event is None:
                after_offer = said.index > self.offer_index
                if after_offer:
                    phase = "after_objection" if objections_seen else "after_offer"
                else:
                    phase = "first_words" if first_words else None
                context = readings.get(phase) if phase else None
                reading = None if said.intent else nlu.client_intent(said.text, context, call_type)
                intent = said.intent or reading.intent
                kind = nlu.intent_kind(intent)
                if after_offer and kind in WORKED_KINDS:
                    objections_seen = True
                kinds = ((kind, reading.confidence if reading is not None else 1.0),)
                if reading is not None:
                    clauses = nlu.parts(said.text)
                    if len(clauses) > 1:
                        parts = (nlu.client_intent(clause, None, call_type) for clause in clauses)
                        kinds += tuple((nlu.intent_kind(part.intent), part.confidence) for part in parts
                                       if part.confidence >= self.rubric.clause_confidence)
                if kind == "refusal" or kind == "agreement" and kinds[0][1] < UNSURE:
                    # «не, спасибо, у меня Кинопоиск»: a «нет» with its reason is an objection of that reason, and
                    # «…ещё скажет, что шпионю. надо сперва с ней поговорить» a deferral; so is an unsure «да» («да
                    # потом же забуду отключить… сто пятьдесят — не копейки»)
                    reason = next((part for part, sure in kinds[1:] if part in WORKED_KINDS), None)
                    kind = reason or kind
                elif kind in {"conflict", "hesitation"} and after_offer and self._agrees.found(said.text):
                    # «ой всё, ладно, пишите, только отстаньте уже» gives in, «подключайте, посмотрю» tries it out:
                    # both agree
                    kind = "agreement"
                said = replace(said, intent=intent, kind=kind, kinds=kinds)
                resolved[said.index] = said
                first_words = False
            pending = said
            current = Block()
        if pending is not None:
            self.blocks_after[pending.index] = current
        self.saids = [resolved.get(s.index, s) for s in self.saids]
        self.client = [s for s in self.saids if s.role == "client" and s.event is None]
        self.events = [s for s in self.saids if s.event is not None]

    def after_offer(self, said: Said) -> bool:
        return said.index > self.offer_index

    def reply(self, said: Said) -> Block:
        return self.blocks_after.get(said.index, Block())

    def prompt(self, said: Said) -> Block:
        return self.blocks_before.get(said.index, Block())

    def is_decisive(self, said: Said) -> bool:
        """Whether a customer turn after the offer is a decision about it, not an answer to another question:
        a «нет»/«да» to «какие вопросы остались?», a «да» to a clarifying question or to WinBack answer those."""
        if said.kind not in DECISIVE_KINDS:
            return False
        prompt = self.prompt(said)
        if prompt.turns and prompt.turns[-1].cut_off:
            return False  # «угу» while the operator is still talking («…а также расширить кругозор») decides nothing
        asked = prompt.tags
        if said.kind == "agreement" and self._agrees.found(said.text):
            return True  # «да вроде никаких. Давайте, оформляйте» answers the question and decides too
        # «угу» to a presentation that asks nothing («…а внукам расскажет сказку»): he listens, he has not decided
        if said.kind == "agreement" and len(said.text.split()) <= LISTENING_WORDS and self._listens.found(said.text) \
                and asked & (self.role("offers") | self.role("benefits") | self.role("prices")) \
                and not asked & self.role("calls_to_action") and not any("?" in turn.text for turn in prompt.turns):
            return False
        # «Подключаю START. Остались вопросы?» — «нет, всё понятно» after his «да» (or his «посоветуюсь») answers the
        # question, not the offer (the offer named again recaps it); before he decided, only a question that offers
        # nothing is answered so
        if said.kind in {"agreement", "refusal"} and asked & self.role("check_questions") \
                and (self._decided_before(said, AGREED_OR_DEFERRED)
                     or not asked & (self.role("offers") | self.role("calls_to_action"))):
            return False
        # «да» or «да не, никакого нет» to «а антивирус у вас сейчас стоит?» answers the question, not the offer;
        # «нет, спасибо, мне это не нужно» refuses it whatever was asked
        if said.kind in {"agreement", "refusal"} and asked & self.role("clarifies") \
                and not asked & self.role("decision_prompts") \
                and not (said.kind == "refusal" and self._refuses.found(said.text)):
            return False
        # «вечером, после семи» to «когда мужу удобнее перезвонить?» after his «пусть он решает»: he has decided
        if said.kind in WORKED_KINDS and not asked & self.role("decision_prompts") \
                and self._decided_before(said, SETTLED_KINDS):
            return False
        # «угу» to «заявление остаётся в силе, всего доброго» takes leave
        if said.kind == "agreement" and asked & self.role("farewells") and not asked & self.role("decision_prompts"):
            return False
        # «хорошо, учту» to «понял вас, не настаиваю; надумаете — закажите в приложении» after his «нет», «да,
        # присылайте» to «отмечу, что вы думаете, и пришлю условия смс» after his «посоветуюсь», «в пятницу давай»
        # to «пришлю условия, а в пятницу перезвоню — подойдёт?» (no move at all) after his «посоветуюсь»: he takes
        # note, he does not change his mind (after a «нет», a «ладно» to a push that reads as no move gives in)
        if said.kind == "agreement" and asked & self.role("accepts") and not asked & self.role("decision_prompts") \
                and self._decided_before(said, REFUSED | DEFERRED):
            return False
        if said.kind == "agreement" and not asked and self._decided_before(said, DEFERRED):
            return False
        # «можно» to «проинформировать вас об условиях возврата?», «записываю» to a Flash note: he consents to be
        # told, he does not decide to stay
        if said.kind == "agreement" and asked & self.role("concedes"):
            return False
        return True

    def answers_a_question(self, said: Said) -> bool:
        """He answers the operator's clarifying question («а что вы обычно смотрите?» — «сериалы, детективы»): the
        operator asked, not for a decision; what he answers is his need, not a new objection — unless a clause of it
        is one, surely read."""
        asked = self.prompt(said).tags
        # «…и 390 — это дорого вообще-то»; «внук подарил, большой, плоский» (0.91) describes his TV
        said_outright = any(kind == "objection" and sure >= SURE_CLAUSE for kind, sure in said.kinds[1:])
        return bool(asked & self.role("clarifies")) and not asked & self.role("decision_prompts") \
            and not said_outright

    def _decided_before(self, said: Said, kinds: frozenset[str]) -> bool:
        return any(self.after_offer(s) and s.index < said.index and s.kind in kinds and self.is_decisive(s)
                   for s in self.client)

    def window(self, name: str, turns: int = 2, end: int | None = None) -> list[Said]:
        """The operator turns of a transcript window (vocabulary.Window); ``end``: where the presentation ends."""
        operator, offer = self.operator, self.offer_index
        if name == "first_turns":
            return operator[:turns]
        if name == "last_turns":
            return operator[-turns:]
        if name == "until_offer":
            return [s for s in operator if s.index <= offer]
        if name == "before_offer":
            return [s for s in operator if s.index < offer]
        if name == "after_offer":
            return [s for s in operator if s.index >= offer]
        if name == "presentation":
            stop = self.turn_count if end is None else end
            return [s for s in operator if offer <= s.index < stop]
        return list(operator)
