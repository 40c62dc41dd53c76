"""The judge against a second author's verdicts: complete transcripts of all three call types, each graded first by
someone who never saw the lexicon, the rubrics or the code (tests/data/second_author/README.md gives his rule of
pass/fail, written before anything was scored). Measured: agreement on pass/fail, on every contract flag and on
the correct response code, per call type; and a good call beats the toxic call of its pair by ≥ 30 points.

Batch A (24 calls) is a development batch: its misses were read while calibrating, so its figures are not
independent. Batch B (48 calls) was sealed until the one measurement reported in the issue's note (pass/fail 33,
flags 30, code 41 of 48, pairs 7 of 12); from that day (session 17) its misses were read too, so it is a development
batch with floors. Batch C (48 calls, written by three new second authors who saw neither our code nor A or B) was
sealed until its one measurement (docs/measurements/batch_c_first_opening_2026-12-02.txt): the independent figures of
the issue's note at that time; its misses were read afterwards (a development batch since). Batch D (48 calls,
three more new authors) was sealed until its one measurement (docs/measurements/batch_d_first_opening_2026-12-02.txt),
then read too. Batch E (48 calls, three more new authors) was sealed until its one measurement
(docs/measurements/batch_e_first_opening_2026-12-02.txt), then read (session 18). From session 18 the labelled lines
of batches A–D teach the understanding, which moved the development batches' figures (their floors are the figures
after that). Batch F (48 calls, three more new authors) was sealed until its one measurement
(docs/measurements/batch_f_first_opening_2026-12-02.txt), then read (session 19: the judge's context rules were
recalibrated on B–F). Batch G (48 calls, three more new authors) was sealed until its one measurement
(docs/measurements/batch_g_first_opening_2026-12-02.txt), then read; the labelled lines of F and G teach since.
Batch H (48 calls, three more new authors) was sealed until its one measurement
(docs/measurements/batch_h_first_opening_2026-12-02.txt), then read. Batch I (48 calls, three more new authors) was
sealed until its one measurement (docs/measurements/batch_i_first_opening_2026-12-02.txt), then read; the labelled
lines of H teach since. Batch J (48 calls, three more new authors) was sealed until its one measurement
(docs/measurements/batch_j_first_opening_2026-12-02.txt), then read (session 20); the lines of I and J teach since.
Batch K (48 calls, three more new authors) was sealed until its one measurement
(docs/measurements/batch_k_first_opening_2026-12-02.txt), then read; so were L and M (session 21; the labelled
lines of K and M teach since). Batch N (48 calls, seven more new authors) was sealed until its one measurement
(docs/measurements/batch_n_first_opening_2026-12-02.txt), then read; so were O and P (session 23; the labelled lines
of N, O and P teach since). Batch Q (48 calls, seven more new authors) was sealed until its one measurement
(docs/measurements/batch_q_first_opening_2026-12-03.txt): the judge's latest independent figures; its misses were
read afterwards and its labelled lines teach since. Batch R (48 calls, seven more new authors) was sealed until its one
measurement (docs/measurements/batch_r_first_opening_2026-12-03.txt): the judge's latest independent figures; its
calls were read afterwards. So were S, T, U, V and W (sessions 25 and 26; U, V and W on one model, pooled), and X
and Y, opened together on the next model in session 27 and pooled, and Z and ZA, opened together on the model after
that and pooled (docs/measurements/batch_*_first_opening_*.txt).
Our own extra toxic properties (``robot_question``, ``pushy``, ``too_long``, ``wasted_time``) are not in the
contract's list the second author graded, so they do not count either way.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from engine.content.loader import Content
from engine.score_cli import parse_input
from engine.scorecard import score_dialogue
from engine.understanding import Understanding
from tests.nlu_data import SECOND_AUTHOR, Row, copies, taught

CONTRACT_FLAGS = frozenset({
    "too_many_objections", "ignored_refusal", "cliche", "no_name", "no_greeting", "no_farewell",
    "offered_when_forbidden", "wrong_outcome", "no_identification", "cancelled_without_consent", "no_winback"})
CALL_TYPES = ("inbound_upsell", "outbound_upsell", "retention_mnp")
TARGET = 0.90  # the issue's agreement on pass/fail and on flags
GAP = 30  # a good call beats the toxic one of its pair by this many points
# Floors, not targets: each batch's latest figures (its opening is its one independent measurement). Folding a
# batch's lines into the corpus moves the model: after O joined, G lost one call's flags and O two (O-in-09's
# «с этого месяца закончилась скидка» reads as an offer); after P joined, I and N lost a call's pass/fail each; after Q joined, J's pairs gained one.
FLOORS = {
    "B": {"passed": 48 / 48, "flags": 46 / 48, "code": 48 / 48, "pairs": 11 / 12},  # 33 · 30 · 41 · 7 at its opening
    "C": {"passed": 48 / 48, "flags": 45 / 48, "code": 47 / 48, "pairs": 12 / 12},  # 36 · 27 · 35 · 6 at its opening
    "D": {"passed": 48 / 48, "flags": 46 / 48, "code": 47 / 48, "pairs": 12 / 12},  # 39 · 27 · 35 · 9 at its opening
    "E": {"passed": 48 / 48, "flags": 45 / 48, "code": 46 / 48, "pairs": 11 / 12},  # 36 · 23 · 34 · 8 at its opening
    # F-in-01 and G lost a call's reading when the clause-final «нет» came in (the model retrained; neither call has
    # one): «Просто 239 каждый месяц…» now reads as a price objection, one more than its author counts
    "F": {"passed": 46 / 48, "flags": 44 / 48, "code": 46 / 48, "pairs": 11 / 12},  # 35 · 27 · 36 · 5 at its opening
    "G": {"passed": 48 / 48, "flags": 42 / 48, "code": 46 / 48, "pairs": 12 / 12},  # 45 · 36 · 41 · 10 at its opening
    # H-out-05's «Хотела рассказать об одной подписке, но сейчас точно не время» reads as an offer since batch N's
    # lines joined the corpus (the offer phrase «рассказать о…» outweighs the postponement)
    "H": {"passed": 47 / 48, "flags": 41 / 48, "code": 47 / 48, "pairs": 12 / 12},  # 37 · 25 · 37 · 9 at its opening
    "I": {"passed": 46 / 48, "flags": 41 / 48, "code": 45 / 48, "pairs": 10 / 12},  # 42 · 33 · 41 · 9 at its opening
    "J": {"passed": 47 / 48, "flags": 43 / 48, "code": 46 / 48, "pairs": 11 / 12},  # 44 · 34 · 42 · 9 at its opening
    "K": {"passed": 47 / 48, "flags": 47 / 48, "code": 48 / 48, "pairs": 11 / 12},  # 43 · 40 · 43 · 10 at its opening
    # L-ret-09 now reads «вижу вчерашнюю отметку» as retained (code and flags his), and passes where he fails it for
    # a goodbye the operator skipped before the customer hung up (excusing a goodbye only when cut off cost C, E, I)
    "L": {"passed": 47 / 48, "flags": 46 / 48, "code": 47 / 48, "pairs": 12 / 12},  # 47 · 34 · 43 · 9 at its opening
    "M": {"passed": 47 / 48, "flags": 43 / 48, "code": 45 / 48, "pairs": 12 / 12},  # 45 · 39 · 42 · 11 at its opening
    "N": {"passed": 45 / 48, "flags": 44 / 48, "code": 47 / 48, "pairs": 12 / 12},  # 42 · 41 · 47 · 12 at its opening
    "O": {"passed": 47 / 48, "flags": 46 / 48, "code": 48 / 48, "pairs": 12 / 12},  # 47 · 38 · 44 · 12 at its opening
    "P": {"passed": 48 / 48, "flags": 42 / 48, "code": 45 / 48, "pairs": 12 / 12},  # 46 · 41 · 44 · 11 at its opening
    "Q": {"passed": 48 / 48, "flags": 46 / 48, "code": 47 / 48, "pairs": 12 / 12},  # 48 · 43 · 44 · 12 at its opening
    "R": {"passed": 46 / 48, "flags": 41 / 48, "code": 46 / 48, "pairs": 12 / 12},  # 45 · 39 · 44 · 12 at its opening
    "S": {"passed": 45 / 48, "flags": 41 / 48, "code": 46 / 48, "pairs": 10 / 12},  # 43 · 36 · 41 · 10 at its opening
    "T": {"passed": 47 / 48, "flags": 45 / 48, "code": 47 / 48, "pairs": 11 / 12},  # 46 · 39 · 45 · 11 at its opening
    "U": {"passed": 46 / 48, "flags": 42 / 48, "code": 46 / 48, "pairs": 11 / 12},  # 44 · 40 · 45 · 11 at its opening
    "V": {"passed": 45 / 48, "flags": 39 / 48, "code": 45 / 48, "pairs": 12 / 12},  # 43 · 37 · 44 · 11 at its opening
    "W": {"passed": 41 / 48, "flags": 36 / 48, "code": 44 / 48, "pairs": 11 / 12},  # 41 · 36 · 44 · 11 at its opening
    "X": {"passed": 46 / 48, "flags": 41 / 48, "code": 45 / 48, "pairs": 10 / 12},  # 46 · 38 · 42 · 10 at its opening
    "Y": {"passed": 46 / 48, "flags": 41 / 48, "code": 46 / 48, "pairs": 11 / 12},  # 44 · 37 · 42 · 10 at its opening
    "Z": {"passed": 44 / 48, "flags": 39 / 48, "code": 43 / 48, "pairs": 11 / 12},  # 44 · 39 · 43 · 11 at its opening
    "ZA": {"passed": 44 / 48, "flags": 38 / 48, "code": 44 / 48, "pairs": 9 / 12},  # 44 · 38 · 44 · 9 at its opening
}
SEALED = ""  # none opened and unread: X and Y, then Z and ZA were opened in session 27; ZB lies sealed
LETTERS = ("A", *FLOORS)
TAUGHT = "ABCDFGHIJKMNOPQRST"  # their authors' labelled lines teach the understanding (dialogues/lexicon/labelled_*.yaml)
FORMULAS = frozenset({"greeting", "farewell"})  # operator moves every call opens and closes with
# Copies found at a batch's opening whose two sides were written apart: kept in sight, never tuned on.
COINCIDENCES = {
    # «Значит, отменяю заявление на перенос, вы согласны?» ~ operator.yaml «Отменяю заявление на перенос, вы
    # согласны?», taught sessions before batch D was written by an author who never saw the lexicon
    "transcripts_D:D-ret-09:15",
    # «Конечно. А о чём вы будете думать? Давайте подумаем вместе.» ~ operator.yaml: both quote the seed's technique
    "transcripts_F:F-in-03:15",
    # batch L's authors never saw the lexicon; two turns coincide with lines taught before L was written, both the
    # seeds' words: seed 001's «Разрешите уточнить, кто в основном пользуется Интернетом у Вас в семье?» and the
    # consent question again
    "transcripts_L:L-in-13:7", "transcripts_L:L-ret-02:17",
    # «С какого числа списывать начнут?» ~ labelled_A.yaml «с какого числа начнут списывать?»: a customer's plain
    # question, written by N's author who never saw the corpus
    "transcripts_N:N-out-09:8",
    # batch T's authors never saw the lexicon: the same two turns as L's, seed 001's question of who uses the
    # internet and the consent question
    "transcripts_T:T-in-14:7", "transcripts_T:T-ret-02:17",
    # batch U's authors never saw the lexicon: the identification request in seed 000's words, twice
    "transcripts_U:U-in-14:3", "transcripts_U:U-in-16:3",
    # batch V's authors never saw the lexicon: the same request once more
    "transcripts_V:V-in-14:3",
    # «Предоставляется в рассрочку на два года за 390 рублей в месяц.» ~ operator.yaml «Камера предоставляется в
    # рассрочку на 2 года, за 390 рублей в месяц.»: both seed 000's words for the camera, P's author never saw the lexicon
    "transcripts_P:P-out-02:5",
    # «а если не понравиться, отключить потом можно будет?» ~ labelled_P.yaml «а если мне не понравиться, отключить потом
    # можно будет?» (the same common misspelling): P's lines were taught after Q was written by an author who never saw P
    "transcripts_Q:Q-in-09:6",
    # «Назовите ФИО владельца договора, пожалуйста.» ~ operator.yaml «Назовите, пожалуйста, ФИО владельца договора.»:
    # the identification request every operator makes, in seed 000's words; R's author never saw the lexicon
    "transcripts_R:R-in-02:3",
    # S's authors never saw the corpus or the lexicon: two refusals as any customer says them («молодой человек, я же
    # сказала — нет» ~ labelled_C.yaml, «нет-нет, спасибо, ничего не надо» ~ labelled_K.yaml) and the identification
    # request in seed 000's words, twice
    "transcripts_S:S-in-02:8", "transcripts_S:S-in-02:10", "transcripts_S:S-in-04:3", "transcripts_S:S-in-14:3",
    # X's and Y's authors never saw the lexicon: the identification request in seed 003's words and seed 001's
    # В.З.О.Р question to «я подумаю» («о чём вы будете думать? Давайте подумаем вместе»), each twice
    "transcripts_X:X-in-08:3", "transcripts_X:X-out-16:7", "transcripts_Y:Y-in-05:3", "transcripts_Y:Y-in-07:11",
    # Z's and ZA's authors never saw the corpus: the identification request in seed 003's words (twice), the seed's
    # price of the camera called too much as G's author said it, and «а отключить потом можно, если не понравится?»
    "transcripts_Z:Z-in-02:3", "transcripts_Z:Z-in-14:3", "transcripts_Z:Z-out-01:6", "transcripts_ZA:ZA-in-01:16",
}
SHORT = 30  # an independent author writes «спасибо, всего доброго» too: from 30 characters a turn is his own


@dataclass(frozen=True)
class Graded:
    id: str
    call_type: str
    pair: str | None
    expected_passed: bool
    expected_flags: frozenset[str]
    expected_code: str
    passed: bool
    flags: frozenset[str]
    code: str
    score: int

    def line(self) -> str:
        extra, missed = sorted(self.flags - self.expected_flags), sorted(self.expected_flags - self.flags)
        return (f"  {self.id:<11} score {self.score:>3}  passed {self.passed!s:<5} (his {self.expected_passed!s:<5}) "
                f"code {self.code} (his {self.expected_code})  +{extra} -{missed}")


def transcripts(letter: str) -> list[dict]:
    path = SECOND_AUTHOR / f"transcripts_{letter}.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip() and not line.startswith("#")]


def grade(letter: str, content: Content, nlu: Understanding) -> list[Graded]:
    graded = []
    for row in transcripts(letter):
        dialogue = {key: row[key] for key in ("client_name", "outcome", "turns", "call_type")}
        card = score_dialogue(parse_input(json.dumps(dialogue)), content, nlu)
        verdict = row["verdict"]
        graded.append(Graded(row["id"], row["call_type"], row.get("pair"), verdict["passed"],
                             frozenset(verdict["flags"]), verdict["correct_code"], card.passed,
                             frozenset(card.flags) & CONTRACT_FLAGS, card.correct, card.score))
    return graded


@dataclass(frozen=True)
class Agreement:
    passed: float
    flags: float  # calls whose contract flags are exactly the second author's
    code: float
    pairs: float  # pairs where the good call beats the toxic one by GAP
    per_flag: dict[str, tuple[int, int, int]]  # flag: calls agreeing, calls he flagged, calls we flagged
    gaps: list[tuple[str, str, int]]

    def figures(self) -> dict[str, float]:
        return {"passed": self.passed, "flags": self.flags, "code": self.code, "pairs": self.pairs}


def agreement(graded: list[Graded]) -> Agreement:
    n = len(graded)
    per_flag: dict[str, tuple[int, int, int]] = {}
    for flag in sorted(CONTRACT_FLAGS):
        agree = sum((flag in g.flags) == (flag in g.expected_flags) for g in graded)
        per_flag[flag] = (agree, sum(flag in g.expected_flags for g in graded), sum(flag in g.flags for g in graded))
    by_id = {g.id: g for g in graded}
    gaps = [(g.id, g.pair, g.score - by_id[g.pair].score) for g in graded
            if g.pair in by_id and g.expected_passed and not by_id[g.pair].expected_passed]
    return Agreement(passed=sum(g.passed == g.expected_passed for g in graded) / n,
                     flags=sum(g.flags == g.expected_flags for g in graded) / n,
                     code=sum(g.code == g.expected_code for g in graded) / n,
                     pairs=sum(gap >= GAP for *_, gap in gaps) / len(gaps) if gaps else 1.0,
                     per_flag=per_flag, gaps=gaps)


def report(title: str, graded: list[Graded]) -> str:
    lines = [f"{title}: {len(graded)} calls"]
    for call_type in (None, *CALL_TYPES):
        part = [g for g in graded if call_type is None or g.call_type == call_type]
        a = agreement(part)
        lines.append(f"  {call_type or 'all':<16} n {len(part):>2}  pass/fail {a.passed:.2f}  flags {a.flags:.2f}  "
                     f"code {a.code:.2f}  good−toxic ≥{GAP}: {a.pairs:.2f}")
    whole = agreement(graded)
    lines.append("  per flag (calls agreeing / his / ours):")
    lines += [f"    {flag:<26} {agree:>2}/{len(graded)}  his {his:>2}  ours {ours:>2}"
              for flag, (agree, his, ours) in whole.per_flag.items() if his or ours]
    lines.append("  pairs: " + ", ".join(f"{good}−{toxic} {gap:+d}" for good, toxic, gap in whole.gaps))
    lines.append("  disagreements:")
    lines += [g.line() for g in graded
              if (g.passed, g.flags, g.code) != (g.expected_passed, g.expected_flags, g.expected_code)]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def nlu(content: Content) -> Understanding:
    return Understanding.load(content.dialogues)


def _turn_rows(letter: str) -> list[Row]:
    return [Row(frozenset(), turn["text"], f"transcripts_{letter}:{row['id']}:{number}")
            for row in transcripts(letter) for number, turn in enumerate(row["turns"], 1)
            if len(turn.get("text", "")) > SHORT]


def test_the_calibration_set_is_big_enough_and_covers_every_call_type() -> None:
    rows = [row for letter in LETTERS for row in transcripts(letter)]
    assert len(rows) >= 40
    assert Counter(row["call_type"] for row in rows).keys() == set(CALL_TYPES)
    assert all(min(Counter(r["call_type"] for r in transcripts(letter)).values()) >= 6 for letter in LETTERS)
    assert all({"passed", "flags", "correct_code"} <= row["verdict"].keys() for row in rows)


@pytest.mark.parametrize("letter", [letter for letter in LETTERS if letter not in TAUGHT])
def test_no_turn_copies_what_the_understanding_was_taught(letter: str) -> None:
    """A greeting or a goodbye is a formula every author writes («Добрый вечер, Ростелеком, меня зовут …»); any
    other turn that copies a taught example would flatter the judge. (The calls of batches whose labelled lines are
    taught are development sets: their authors wrote both.)"""
    found = [copy for copy in copies(taught(), _turn_rows(letter))
             if copy.first.labels - FORMULAS and copy.second.where not in COINCIDENCES]
    assert not found, "\n".join(map(str, found[:10]))


def test_batch_a_development_agreement(content: Content, nlu: Understanding) -> None:
    graded = grade("A", content, nlu)
    print("\n" + report("second author, batch A (development)", graded))
    figures = agreement(graded)
    assert figures.passed >= TARGET and figures.flags >= TARGET and figures.code >= TARGET
    assert figures.pairs == 1.0


@pytest.mark.parametrize("letter", sorted(FLOORS))
def test_a_batch_stays_at_or_above_its_floor(content: Content, nlu: Understanding, letter: str) -> None:
    graded = grade(letter, content, nlu)
    state = "sealed until its first measurement" if letter == SEALED else "development since its first measurement"
    print("\n" + report(f"second author, batch {letter} ({state})", graded))
    figures = agreement(graded).figures()
    assert all(figures[name] >= floor - 1e-9 for name, floor in FLOORS[letter].items()), figures
