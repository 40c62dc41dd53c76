"""The closed registry of flag rules a rubric names: blockers and toxic properties a transcript shows, each with
the turns its feedback quotes. A flag of rule ``failed`` is raised by its check (``check: <id>``) failing."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .checks import Finding, Tools, selling_turn
from .facts import Case

if TYPE_CHECKING:
    from ..content.rubric import FlagSpec
    from .reading import Said


def said(case: Case, spec: FlagSpec, tools: Tools) -> list[Finding]:
    """Every turn of the window with one of the moves (a cliché, a robot-like question…)."""
    moves = set(spec.moves)
    return [Finding(s) for s in case.read.window(spec.window, spec.turns) if s.tags & moves]


def offered_when_forbidden(case: Case, spec: FlagSpec, tools: Tools) -> list[Finding]:
    """An offer of the tab made although the rules forbade it."""
    if not case.offered_forbidden():
        return []
    turn = next((s for s in case.read.offer_turns if case.rules.named_offer(s.text) in case.offered_forbidden()),
                case.read.first_offer)
    return [Finding(turn)]


def ignored_refusal(case: Case, spec: FlagSpec, tools: Tools) -> list[Finding]:
    """Went on offering after a clear «нет» to the offer, or offered at all after he refused marketing."""
    read = case.read
    for said_ in read.client:
        if said_.kind == "opt_out" and said_.kinds[0][1] >= spec.min_confidence \
                and (spec.opt_out_before_offer or read.after_offer(said_)):
            later = [s for s in read.operator if s.index > said_.index]
            push = next((s for s in later if s.tags & read.role("offers")), None)
            if push is None and read.after_offer(said_):
                push = selling_turn(case, read.reply(said_), "pushes")
            if push is not None:
                return [Finding(push, said_)]
        elif said_.kind == "refusal" and _clear(said_, spec, tools) and read.after_offer(said_) \
                and read.is_decisive(said_):
            # selling in any later reply ignores it, not only in the next one («а вы подумайте…» first)
            replies = (read.reply(s) for s in read.saids if s.role == "client" and s.index >= said_.index)
            push = next((turn for turn in (selling_turn(case, block, "pushes") for block in replies) if turn), None)
            if push is not None:
                return [Finding(push, said_)]
    return []


def _clear(said: Said, spec: FlagSpec, tools: Tools) -> bool:
    """Whether a «нет» is a clear one: it says no in words (the item's phrases: «спокойнее, да. но у меня соседка
    заглядывает» is an objection however it reads), and the turn or one of its clauses («нет, девушка. не надо
    мне…, я расторгнуть хочу») reads surely enough — a turn that asks («ну… а это правда бесплатно?», «а она без
    интернета разве работает? у меня ж его нет сейчас») only when read surely."""
    if spec.phrases and not tools.phrases(tuple(spec.phrases)).found(said.text):
        return False
    sure = max(confidence for kind, confidence in said.kinds if kind == "refusal")
    if "?" in said.text:
        return sure >= max(spec.question_refusal_confidence, spec.refusal_confidence)
    return sure >= spec.refusal_confidence


def pushy(case: Case, spec: FlagSpec, tools: Tools) -> list[Finding]:
    """A call to action before any benefit was named (pushes for the decision directly)."""
    cta = case.call_to_action
    if cta is None or any(s.tags & case.read.role("benefits") for s in case.read.operator if s.index <= cta.index):
        return []
    return [Finding(cta)]


def too_long(case: Case, spec: FlagSpec, tools: Tools) -> list[Finding]:
    limit = spec.max_words or 0
    return [Finding(s, values={"max": limit}) for s in case.read.operator if len(s.text.split()) > limit]


def before_identification(case: Case, spec: FlagSpec, tools: Tools) -> list[Finding]:
    """Retention: one of the moves (an offer, a cancellation) before the decision maker identified himself. With
    no request left (the number already ported, say) neither cancelling nor WinBack needs him identified (seed 003);
    a discount to keep him still does."""
    limit = case.dm_identified_at if case.dm_identified_at is not None else case.read.turn_count
    gone = case.request_gone
    moves = set(spec.moves) - (case.read.role("cancels") if gone else set())
    turn = next((s for s in case.read.operator if s.index < limit and s.tags & moves
                 and not (gone and s.tags & case.read.role("winbacks"))), None)
    return [Finding(turn)] if turn is not None else []


def cancelled_without_consent(case: Case, spec: FlagSpec, tools: Tools) -> list[Finding]:
    """The port-out request cancelled before the decision maker's explicit «да» to cancelling it: the «да» of
    someone not yet identified as him (or not him at all) is no consent; «Кравцова Г. А., паспорт …, да, отменяйте»
    identifies him and consents in one turn."""
    cancellation, consent, identified = case.cancellation, case.consent, case.dm_identified_at
    if cancellation is None:
        return []
    if consent is not None and identified is not None and identified <= consent.index < cancellation.index:
        return []
    return [Finding(cancellation)]


FLAG_RULES: dict[str, Callable[[Case, "FlagSpec", Tools], list[Finding]]] = {
    "said": said,
    "offered_when_forbidden": offered_when_forbidden,
    "ignored_refusal": ignored_refusal,
    "pushy": pushy,
    "too_long": too_long,
    "before_identification": before_identification,
    "cancelled_without_consent": cancelled_without_consent,
}
FAILED = "failed"  # the flag of a failed check: raised by the check named in ``check``
