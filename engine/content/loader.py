"""Loading all content at once: typed, cross-checked, all-or-nothing."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..file_cache import keep_newest, write_whole
from ..understanding.lexicon import LEXICON_DIR, files_signature
from .base import Authored
from .bundle import SECTION_KEYS, ContentFile
from .call_types import CallType
from .catalog import Product, Service
from .checks import Language, cross_check
from .rules_content import OfferPolicy, OfferPrior, ReasonText
from .retention import RetentionReason
from .scenarios import CustomerMachineSpec, Scenario
from .simulation import Population, check_populations
from .rubric import DEFAULT_SETTINGS, ClicheAdvice, FeedbackText, Rubric, ScorecardSettings
from .rubric_checks import check_scorecard
from .scenario_checks import check_trainee
from .self_service import Assistant, Channel, DemoCustomer, Label, Topic, check_self_service
from .speech import Person, ProductFigures, Speech
from .speech_content import Bridge, Objection, ResponseCode
from .yaml_source import ContentError, Problem, YamlDocument, load_yaml

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DIALOGUES = PROJECT_ROOT / "dialogues"
DEFAULT_SCRIPTS = PROJECT_ROOT / "scripts_ru"
SPEECH_CHECKS_DIR = PROJECT_ROOT / "var" / "cache" / "speech_checks"
SPEECH_CHECKS_KEPT = 8  # passed checks of the most recent content versions remembered
SAMPLE_DATE = dt.date(2026, 11, 16)


@dataclass(frozen=True)
class Content:
    """Everything trainers authored, validated; immutable while it serves."""

    dialogues: Path
    scripts: Path
    services: dict[str, Service]
    products: dict[str, Product]
    call_types: dict[str, CallType]
    bridges: dict[str, Bridge]
    objections: dict[str, Objection]
    response_codes: dict[str, ResponseCode]
    speech: Speech
    assistants: dict[str, Assistant]
    topics: dict[str, Topic]
    customers: dict[str, DemoCustomer]
    channels: dict[str, Channel]
    scenarios: dict[str, Scenario]
    retention_reasons: dict[str, RetentionReason]
    customer_machines: dict[str, CustomerMachineSpec]
    labels: dict[str, Label]
    reasons: dict[str, ReasonText]
    offer_priors: dict[str, OfferPrior]
    offer_policy: dict[str, OfferPolicy]
    scorecard: dict[str, ScorecardSettings]
    rubrics: dict[str, Rubric]
    scorecard_feedback: dict[str, FeedbackText]
    scorecard_cliches: dict[str, ClicheAdvice]
    populations: dict[str, Population]

    @property
    def assistant(self) -> Assistant:
        return self.assistants["default"]

    @property
    def scorecard_settings(self) -> ScorecardSettings:
        return self.scorecard[DEFAULT_SETTINGS]

    @property
    def default_call_type(self) -> str:
        """The call type of a scenario or a transcript that names none (CONTRACT.md: the inbound upsell)."""
        return next(call_type.id for call_type in self.call_types.values() if call_type.default)

    def company(self, call_type: str | None) -> str:
        """Whose call it is: the call type's company, or the assistant's."""
        own = self.call_types[call_type].company if call_type in self.call_types else None
        return own or self.assistant.company

    def operator(self, call_type: str | None) -> Person:
        """The assistant as the one who speaks in a call of this type (its name, gender, and whose call it is)."""
        return Person(self.assistant.first_name, gender=self.assistant.gender, company=self.company(call_type))

    def call_type_of(self, scenario: Scenario) -> CallType:
        return self.call_types[scenario.call_type or self.default_call_type]

    def label(self, label_id: str) -> str:
        return self.labels[label_id].text

    def figures(self, product_id: str, today: dt.date) -> ProductFigures:
        return ProductFigures(self.products[product_id], today)

    def speech_context(self, client: Person, operator: Person, product_id: str | None, today: dt.date,
                       **extra: Any) -> dict[str, Any]:
        context: dict[str, Any] = {
            "client": client,
            "operator": operator,
            "products": {pid: ProductFigures(p, today) for pid, p in self.products.items()},
            **extra,
        }
        if product_id is not None:
            context["product"] = self.figures(product_id, today)
        return context


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def _yaml_files(root: Path) -> list[Path]:
    """Content files; the lexicon folder has a schema of its own and is checked by the understanding."""
    return sorted(p for p in root.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file()
                  and LEXICON_DIR not in p.relative_to(root).parts[:-1])


def _parse_file(doc: YamlDocument) -> tuple[ContentFile | None, list[Problem]]:
    if doc.data is None:
        return ContentFile(), []
    if not isinstance(doc.data, dict):
        return None, [doc.problem((), "a content file must be a mapping of sections (products:, bridges:, …)")]
    try:
        parsed = ContentFile.model_validate(doc.data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            where = ".".join(str(part) for part in loc)
            problems.append(doc.problem(loc, f"{where}: {error['msg']}"))
        return None, problems
    for section, items in parsed.sections().items():
        for index, item in enumerate(items):
            item.bind_origin(doc, (section, index))
            _bind_children(item, doc, (section, index))
    return parsed, []


def _bind_children(item: Authored, doc: YamlDocument, loc: tuple) -> None:
    for field_name in type(item).model_fields:
        value = getattr(item, field_name)
        if isinstance(value, Authored):
            value.bind_origin(doc, (*loc, field_name))
            _bind_children(value, doc, (*loc, field_name))
        elif isinstance(value, list):
            for index, child in enumerate(value):
                if isinstance(child, Authored):
                    child.bind_origin(doc, (*loc, field_name, index))
                    _bind_children(child, doc, (*loc, field_name, index))


def _merge(files: list[ContentFile]) -> tuple[dict[str, dict[str, Any]], list[Problem]]:
    merged: dict[str, dict[str, Any]] = {section: {} for section in SECTION_KEYS}
    problems: list[Problem] = []
    for parsed in files:
        for section, items in parsed.sections().items():
            key = SECTION_KEYS[section]
            for item in items:
                item_id = getattr(item, key)
                first = merged[section].get(item_id)
                if first is not None:
                    problems.append(item.problem(f"duplicate {key} {item_id!r} in {section} (first at {first.origin})", key))
                else:
                    merged[section][item_id] = item
    return merged, problems


class _Placeholder(str):
    """A sample value of ``details`` at validation: prints as ``<name>``, and has any field and one item, so a
    template may read ``details.x.y`` or loop over ``details.items``."""

    def __getattr__(self, name: str) -> _Placeholder:
        return _Placeholder(f"{self[:-1]}.{name}>")

    def __iter__(self):
        return iter([_Placeholder(f"{self[:-1]}[0]>")])


class _SampleDetails(dict):
    """Stands for the per-message ``details`` of a template at validation: any field reads as a placeholder."""

    def __getattr__(self, name: str) -> _Placeholder:
        return _Placeholder(f"<{name}>")

    def __getitem__(self, name: str) -> _Placeholder:
        return _Placeholder(f"<{name}>")


def products_meeting(merged: dict[str, dict[str, Any]]) -> dict[str, set[str]]:
    """Which products each template can be rendered with, where content says so: a product's own speech module
    only with it; what a call type says (its stages, closings, briefing, its objection answers, its customer's
    lines) with the products it offers; a bridge or a reason for leaving with the products it leads to. A template
    no content names may meet any product."""
    products = merged["products"]
    meeting: dict[str, set[str]] = {}

    def meets(template: str | None, product_ids: set[str]) -> None:
        if template:
            meeting.setdefault(template, set()).update(product_ids)

    for product in products.values():
        meets(product.speech, {product.id})
    for bridge in merged["bridges"].values():
        meets(bridge.template, set(bridge.products))
    for reason in merged["retention_reasons"].values():
        meets(reason.reply, set(reason.offers))
    for call_type in merged["call_types"].values():
        offered = {pid for pid, product in products.items() if product.family in call_type.offer_families}
        for stage in call_type.stages:
            meets(stage.bot.template, offered)
            if stage.hint is not None:
                meets(stage.hint.template, offered)
                meets(stage.hint.when_forbidden, offered)
        for closing in call_type.closings:
            meets(closing.template, offered)
        meets(call_type.default_closing, offered)
        meets(call_type.trainee_briefing, offered)
        for objection in merged["objections"].values():
            meets(objection.template_for(call_type.id), offered)
        machine = merged["customer_machines"].get(call_type.customer_machine)
        for line in machine.lines if machine is not None else []:
            meets(machine.template(line.id), offered)
    return meeting


def sample_contexts(products: dict[str, Product]) -> list[dict[str, Any]]:
    """Contexts every template must render with: both genders, every product."""
    clients = [Person("Елена", "Викторовна", "f"), Person("Егор", "Петрович", "m")]
    operators = [Person("Анна", gender="f", company="Ростелеком"), Person("Иван", gender="m", company="Ростелеком")]
    figures = {pid: ProductFigures(p, SAMPLE_DATE) for pid, p in products.items()}
    samples = []
    for index, client in enumerate(clients):
        base = {"client": client, "operator": operators[index], "products": figures, "issue_text": "медленный интернет",
                "details": _SampleDetails()}
        samples.extend({**base, "product": figure} for figure in figures.values())
        if not figures:
            samples.append(base)
    return samples


def _language(dialogues: Path, problems: list[Problem]) -> Language | None:
    """What the understanding knows (its problems, if any, are the content's problems too)."""
    from ..understanding import Understanding

    try:
        nlu = Understanding.load(dialogues)
    except ContentError as exc:
        problems.extend(exc.problems)
        return None
    intents = {intent: nlu.intent_kind(intent) for intent in nlu.all_intents()}
    return Language(intents=intents, moves=frozenset(nlu.moves()), contexts=frozenset(nlu.contexts()))


def load_content(dialogues: Path = DEFAULT_DIALOGUES, scripts: Path = DEFAULT_SCRIPTS) -> Content:
    """Load, validate and cross-check all content; raise ContentError listing every problem. Loaded once while no
    file of the two folders changes (every command of a process, and /reload after an edit, share it)."""
    dialogues, scripts = Path(dialogues).resolve(), Path(scripts).resolve()
    return _load_content(dialogues, scripts, files_signature(dialogues), files_signature(scripts))


def _speech_problems(speech: Speech, samples: Callable[[str], list[dict[str, Any]]], scripts: Path,
                     products: dict[str, Product], meeting: dict[str, set[str]]) -> list[Problem]:
    """Rendering every module with every product it can meet takes a second of each start-up. The check reads the
    modules, the products and which module meets which product, so a clean check is remembered by the digest of
    these and of the code (a failed one never is): after an edit of a scenario or of the lexicon, say, no module is
    rendered again."""
    passed = SPEECH_CHECKS_DIR / f"{_speech_digest(scripts, products, meeting)}.ok"
    if passed.is_file():
        return []
    problems = speech.check(samples, _display(scripts))
    if not problems:
        try:
            write_whole(passed, b"")
            keep_newest(SPEECH_CHECKS_DIR, "*.ok", SPEECH_CHECKS_KEPT)
        except OSError:
            pass  # a place that cannot be written only means checking again next time
    return problems


def _speech_digest(scripts: Path, products: dict[str, Product], meeting: dict[str, set[str]]) -> str:
    """Everything a speech check reads: every byte of the speech modules, the products (as validated) and which
    module meets which of them, and the code that reads, checks and renders them."""
    digest = hashlib.sha256()
    for path in sorted(p for p in scripts.rglob("*") if p.is_file()):
        digest.update(path.relative_to(scripts).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    read = {"products": {pid: product.model_dump(mode="json") for pid, product in products.items()},
            "meeting": {template: sorted(ids) for template, ids in meeting.items()}}
    digest.update(json.dumps(read, sort_keys=True, ensure_ascii=False).encode() + b"\0")
    code = [*sorted(Path(__file__).resolve().parent.glob("*.py")), PROJECT_ROOT / "engine" / "russian.py",
            PROJECT_ROOT / "engine" / "limits.py"]
    for path in code:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


@lru_cache(maxsize=4)
def _load_content(dialogues: Path, scripts: Path, *signatures: tuple[tuple[str, int, int], ...]) -> Content:
    problems: list[Problem] = []
    files: list[ContentFile] = []
    if not dialogues.is_dir():
        raise ContentError([Problem(_display(dialogues), 1, "no such content folder")])
    if not scripts.is_dir():
        raise ContentError([Problem(_display(scripts), 1, "no such speech folder")])
    for path in _yaml_files(dialogues):
        try:
            doc = load_yaml(path, _display(path))
        except ContentError as exc:
            problems.extend(exc.problems)
            continue
        parsed, file_problems = _parse_file(doc)
        problems.extend(file_problems)
        if parsed is not None:
            files.append(parsed)
    merged, merge_problems = _merge(files)
    problems.extend(merge_problems)
    speech = Speech(scripts, keep_compiled=scripts.resolve() == DEFAULT_SCRIPTS.resolve())
    language = _language(dialogues, problems)
    if language is not None:
        problems.extend(cross_check(merged, speech, language))
        problems.extend(check_scorecard(merged, speech, language))
        problems.extend(check_trainee(merged, speech, language))
    problems.extend(check_populations(merged, speech))
    problems.extend(check_self_service(merged, speech))
    meeting = products_meeting(merged)
    every = sample_contexts(merged["products"])
    problems.extend(_speech_problems(speech, lambda name: sample_contexts(
        {pid: merged["products"][pid] for pid in sorted(meeting[name]) if pid in merged["products"]})
        if name in meeting else every, scripts, merged["products"], meeting))
    if problems:
        raise ContentError(problems)
    return Content(dialogues=dialogues, scripts=scripts, speech=speech, **merged)
