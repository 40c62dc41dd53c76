"""Speech modules: sandboxed Jinja2 templates in scripts_ru/ rendered with the customer's name and computed figures."""
from __future__ import annotations

import calendar
import ctypes
import datetime as dt
import re
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, TemplateError, TemplateSyntaxError, meta
from jinja2.sandbox import SandboxedEnvironment

from ..limits import TEMPLATE_RENDER_SECONDS
from ..russian import agree_with_number, inflect_person
from .catalog import Product
from .yaml_source import Problem

DAYS_IN_PRICE_MONTH = 30
COMPILED_CACHE_DIR = Path(__file__).resolve().parents[2] / "var" / "cache" / "jinja"

# Which variables each folder of scripts_ru/ is rendered with: a template using anything else is an authoring error.
PRODUCT_SPEECH = frozenset({"client", "operator", "product", "products"})
TEMPLATE_VARIABLES: dict[str, frozenset[str]] = {
    "offers": PRODUCT_SPEECH,
    "bridges": PRODUCT_SPEECH,
    "objections": PRODUCT_SPEECH,
    "closings": PRODUCT_SPEECH,
    "hints": PRODUCT_SPEECH,
    "client": PRODUCT_SPEECH | {"issue_text", "details"},
    "bot": PRODUCT_SPEECH | {"details"},
}


@dataclass(frozen=True)
class Person:
    """Whoever is named in speech: the customer (И.О.) or the operator."""

    first_name: str
    patronymic: str = ""
    gender: str = "m"
    company: str = ""

    @property
    def io(self) -> str:
        return f"{self.first_name} {self.patronymic}".strip()

    @property
    def feminine(self) -> bool:
        return self.gender == "f"


@dataclass(frozen=True)
class ProductFigures:
    """A product as speech sees it: the catalog entry plus figures computed from it, never typed twice."""

    product: Product
    today: dt.date

    def __getattr__(self, name: str) -> Any:
        return getattr(self.product, name)

    @property
    def price_day(self) -> float:
        if not self.product.price_month:
            return 0
        return max(1, round(self.product.price_month / DAYS_IN_PRICE_MONTH))

    @property
    def part_month_price(self) -> int:
        """What the rest of the current month costs when connected today (mid-month connection)."""
        if not self.product.price_month:
            return 0
        days_in_month = calendar.monthrange(self.today.year, self.today.month)[1]
        days_left = days_in_month - self.today.day + 1
        return round(self.product.price_month * days_left / days_in_month)

    @property
    def instalment_total(self) -> float:
        return self.product.upfront + (self.product.price_month or 0) * (self.product.instalment_months or 0)


def money(value: float) -> str:
    """700.0 → «700», 13.5 → «13,5», 25000 → «25 000»."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".").replace(",", " ").replace(".", ",")
    return text


def gendered(person: Person, masculine: str, feminine: str) -> str:
    return feminine if person.feminine else masculine


def _inflect(value: Any, case: str) -> str:
    return inflect_person(value.io if isinstance(value, Person) else str(value), case)


def _agree(word: str, number: float) -> str:
    return agree_with_number(word, int(number))


def _tidy(text: str) -> str:
    lines = [" ".join(line.split()) for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


DEADLINE_POLL_SECONDS = 0.05
WALL_FACTOR = 10  # a render that waits (never works) this many times the limit is stopped too


class RenderTimeout(Exception):
    """A template took longer than TEMPLATE_RENDER_SECONDS to render at validation."""


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Interrupt the code in this block (in this thread) with RenderTimeout after ``seconds`` of its CPU time.

    Jinja's sandbox guards against unsafe access, not against work: nested loops can run for hours. The exception is
    raised asynchronously in the validating thread, which may be a worker thread (the bot's /reload), where signals
    cannot reach. The thread's own CPU time is what counts, so a machine busy with other work does not fail a
    template; wall time only caps a thread that waits instead of working.
    """
    ident = threading.get_ident()
    thread = ctypes.c_ulong(ident)
    clock = time.pthread_getcpuclockid(ident)
    started, wall_started = time.clock_gettime(clock), time.monotonic()
    finished = threading.Event()
    guard = threading.Lock()
    state = {"active": True, "fired": False}

    def watch() -> None:
        while not finished.wait(DEADLINE_POLL_SECONDS):
            spent = time.clock_gettime(clock) - started
            if spent > seconds or time.monotonic() - wall_started > seconds * WALL_FACTOR:
                with guard:
                    if state["active"]:
                        state["fired"] = True
                        ctypes.pythonapi.PyThreadState_SetAsyncExc(thread, ctypes.py_object(RenderTimeout))
                return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        with guard:
            state["active"] = False
            if state["fired"]:  # not raised yet: it must not land in the caller's code
                ctypes.pythonapi.PyThreadState_SetAsyncExc(thread, None)
        finished.set()


class Speech:
    """The compiled speech modules of one content root."""

    def __init__(self, root: Path, keep_compiled: bool = False):
        """``keep_compiled``: the compiled templates are kept between runs (for the shipped modules: a copy elsewhere,
        as a test makes, would only fill the cache)."""
        self.root = root
        self.env = SandboxedEnvironment(
            loader=FileSystemLoader(str(root)),
            bytecode_cache=_CompiledCache() if keep_compiled else None,
            undefined=StrictUndefined,
            auto_reload=False,  # a content's templates never change under it: a reload is a new Content
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self.env.filters.update(inflect=_inflect, agree=_agree, money=money)
        self.env.globals.update(gendered=gendered)

    def exists(self, name: str) -> bool:
        return (self.root / name).is_file()

    def render(self, name: str, **context: Any) -> str:
        return _tidy(self.env.get_template(name).render(**context))

    def messages(self, name: str, **context: Any) -> list[str]:
        """A rendered module cut into chat-sized messages at blank lines."""
        return [part for part in self.render(name, **context).split("\n\n") if part.strip()]

    def template_names(self) -> list[str]:
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*.j2"))

    def check(self, samples: Callable[[str], list[dict[str, Any]]], display_root: str) -> list[Problem]:
        """Compile every template, check its variables against its folder, and render it with the sample contexts
        ``samples(name)`` gives it (every product it can meet, both genders)."""
        problems: list[Problem] = []
        for name in self.template_names():
            shown = f"{display_root}/{name}"
            folder = name.split("/", 1)[0]
            allowed = TEMPLATE_VARIABLES.get(folder)
            if allowed is None or "/" not in name:
                problems.append(Problem(shown, 1, f"unknown speech folder; use one of {sorted(TEMPLATE_VARIABLES)}"))
                continue
            source = (self.root / name).read_text(encoding="utf-8")
            try:
                ast = self.env.parse(source, name=name, filename=shown)
            except TemplateSyntaxError as exc:
                problems.append(Problem(shown, exc.lineno or 1, f"template syntax: {exc.message}"))
                continue
            undeclared = meta.find_undeclared_variables(ast)  # a walk of the whole template: once per template
            for variable in sorted(undeclared - allowed - set(self.env.globals)):
                problems.append(
                    Problem(shown, _first_line_of(source, variable), f"unknown template variable {variable!r}; "
                            f"{folder}/ templates get {sorted(allowed)}")
                )
            if problems and problems[-1].file == shown:
                continue
            used = undeclared & allowed
            problem = self._check_renders(name, shown, _distinct(
                [{key: value for key, value in sample.items() if key in allowed} for sample in samples(name)], used))
            if problem is not None:
                problems.append(problem)
        return problems

    def _check_renders(self, name: str, shown: str, contexts: list[dict[str, Any]]) -> Problem | None:
        try:
            with _deadline(TEMPLATE_RENDER_SECONDS):
                for context in contexts:
                    self.render(name, **context)
        except RenderTimeout as exc:
            return Problem(shown, _template_line(exc, self.root / name),
                           f"template takes more than {TEMPLATE_RENDER_SECONDS:g} s to render (a loop too long?)")
        except (TemplateError, TypeError, ValueError, ArithmeticError, AttributeError, LookupError, RecursionError,
                MemoryError) as exc:
            return Problem(shown, _template_line(exc, self.root / name), f"template error: {exc}")
        return None


def _distinct(contexts: list[dict[str, Any]], used: set[str]) -> list[dict[str, Any]]:
    """One context of each kind the template can tell apart: those that differ only in what it never reads render
    the same (a module that never names the product is rendered once, not once per product)."""
    kept: dict[tuple[tuple[str, int], ...], dict[str, Any]] = {}
    for context in contexts:
        kept.setdefault(tuple(sorted((key, id(value)) for key, value in context.items() if key in used)), context)
    return list(kept.values())


class _CompiledCache(FileSystemBytecodeCache):
    """Compiled templates kept between runs, checked against their source (a start-up compiles only what changed); a
    place that cannot be written only means compiling again next time."""

    def __init__(self) -> None:
        try:
            COMPILED_CACHE_DIR.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass
        super().__init__(str(COMPILED_CACHE_DIR))

    def load_bytecode(self, bucket: Any) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError):
            bucket.reset()

    def dump_bytecode(self, bucket: Any) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def _first_line_of(source: str, variable: str) -> int:
    for number, line in enumerate(source.splitlines(), 1):
        if re.search(rf"\b{re.escape(variable)}\b", line):
            return number
    return 1


def _template_line(exc: BaseException, path: Path) -> int:
    """Jinja rewrites tracebacks so that a template's own frames carry its file and line."""
    wanted = path.resolve()
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.lineno and Path(frame.filename).resolve() == wanted:
            return frame.lineno
    return getattr(exc, "lineno", None) or 1
