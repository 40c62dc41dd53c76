"""The customer base of the self-service assistant: where customers are looked up, and the import of a base.

Which customers the assistant knows — the rule:

- The base lives in SQLite (table ``customers``, filled by ``python main.py customers import``).
- The demo set of ``dialogues/customers.yaml`` (ids ``demo_…``; an imported id may not start with ``demo_``) serves
  when the SQLite base is empty — so the console and the bot work out of the box — and a demo id always resolves to
  its demo customer (``play --customer demo_egor`` works whatever the base holds).
- Identification searches the SQLite base when it holds anyone, the demo set otherwise. With a preset customer
  (``play --customer ID``) only that customer can be identified.
- Past responses (for the cool-off of the contact policy) are the customer's own ``history`` plus every response
  saved for him in earlier conversations; an opt-out recorded in any earlier conversation counts as
  ``marketing_opt_out``.

Every imported row is validated with the same models as the demo set (:class:`DemoCustomer`, and in it
:class:`engine.eligibility.Customer` and ``Ticket``) plus the ids the content knows; one bad row rejects the whole
file unless ``skip_bad`` is set, and rows are upserted by id, so importing the same file twice changes nothing.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from pydantic import ValidationError

from .content.self_service import DEMO_PREFIX, DemoCustomer, phone_digits
from .limits import IMPORT_BATCH_ROWS, MAX_CSV_FIELD_CHARS, MAX_JSON_IMPORT_BYTES
from .next_best_offer import PastResponse

if TYPE_CHECKING:
    from .content.loader import Content
    from .records import Records


class CustomerDirectory(Protocol):
    """Where the customer mode finds customers; the engine never opens a database itself."""

    def get(self, customer_id: str) -> DemoCustomer | None: ...

    def by_contract(self, contract: str) -> list[DemoCustomer]: ...

    def by_phone(self, phone: str) -> list[DemoCustomer]: ...

    def by_passport(self, passport: str) -> list[DemoCustomer]: ...

    def history(self, customer: DemoCustomer) -> list[PastResponse]: ...

    def opted_out(self, customer: DemoCustomer) -> list[str]: ...


class DemoCustomers:
    """The demo set of the content alone (the bot without a database, and the tests of the engine)."""

    def __init__(self, content: Content):
        self.content = content

    def get(self, customer_id: str) -> DemoCustomer | None:
        return self.content.customers.get(customer_id)

    def by_contract(self, contract: str) -> list[DemoCustomer]:
        return [c for c in self.content.customers.values() if c.contract == contract]

    def by_phone(self, phone: str) -> list[DemoCustomer]:
        wanted = phone_digits(phone)
        return [c for c in self.content.customers.values() if c.phone == wanted]

    def by_passport(self, passport: str) -> list[DemoCustomer]:
        return [c for c in self.content.customers.values() if c.identity is not None
                and c.identity.passport == passport]

    def history(self, customer: DemoCustomer) -> list[PastResponse]:
        return list(customer.history)

    def opted_out(self, customer: DemoCustomer) -> list[str]:
        return []


class CustomerBase(DemoCustomers):
    """The SQLite base with the demo set behind it, by the rule of this module's docstring."""

    def __init__(self, content: Content, records: Records):
        super().__init__(content)
        self.records = records

    def _use_demo(self) -> bool:
        return self.records.customer_count() == 0

    def get(self, customer_id: str) -> DemoCustomer | None:
        if customer_id.startswith(DEMO_PREFIX):
            return super().get(customer_id)
        row = self.records.customer(customer_id)
        return DemoCustomer.model_validate(row) if row is not None else None

    def by_contract(self, contract: str) -> list[DemoCustomer]:
        if self._use_demo():
            return super().by_contract(contract)
        return [DemoCustomer.model_validate(row) for row in self.records.customers_where(contract=contract)]

    def by_phone(self, phone: str) -> list[DemoCustomer]:
        if self._use_demo():
            return super().by_phone(phone)
        return [DemoCustomer.model_validate(row) for row in self.records.customers_where(phone=phone_digits(phone))]

    def by_passport(self, passport: str) -> list[DemoCustomer]:
        """``passport``: the series and number, ten digits."""
        if self._use_demo():
            return super().by_passport(passport)
        return [DemoCustomer.model_validate(row) for row in self.records.customers_with_passport(passport)]

    def history(self, customer: DemoCustomer) -> list[PastResponse]:
        recorded = [PastResponse.model_validate(row) for row in self.records.past_responses(customer.id)]
        return [*customer.history, *recorded]

    def opted_out(self, customer: DemoCustomer) -> list[str]:
        return self.records.opted_out_channels(customer.id)


# -- import -------------------------------------------------------------------------------------------------------
LIST_SEPARATOR = ";"
PART_SEPARATOR = "|"
PROFILE_FIELDS = ("role", "services", "options", "payment", "balance", "financial_block", "voluntary_blocks",
                  "contract_terminated", "marketing_opt_out")
TOP_FIELDS = ("id", "contract", "first_name", "patronymic", "last_name", "gender", "phone")
LIST_FIELDS = frozenset({"services", "options", "voluntary_blocks", "global_problems"})
BOOL_FIELDS = frozenset({"financial_block", "contract_terminated", "marketing_opt_out"})
CSV_COLUMNS = (*TOP_FIELDS, *PROFILE_FIELDS, "open_tickets", "global_problems", "history")
TRUE, FALSE = {"1", "true", "yes", "да", "y"}, {"0", "false", "no", "нет", "n", ""}


class CustomerFileError(ValueError):
    """The file as a whole cannot be read (not a row problem)."""


@dataclass(frozen=True)
class Rejected:
    row: int
    customer_id: str | None
    reason: str


@dataclass
class ImportReport:
    path: str
    read: int = 0
    valid: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    written: int = 0
    new: int = 0

    @property
    def ok(self) -> bool:
        return not self.rejected

    def as_json(self) -> dict[str, Any]:
        return {"file": self.path, "read": self.read, "valid": self.valid, "imported": self.written,
                "new": self.new, "updated": self.written - self.new,
                "rejected": [{"row": r.row, "id": r.customer_id, "reason": r.reason} for r in self.rejected]}


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()]


def _bool(text: str) -> bool:
    value = text.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ValueError(f"not a yes/no value: {text!r}")


def _triples(key: str, value: str, names: tuple[str, str, str]) -> list[dict[str, str]]:
    """«a|b|c; d|e|f» → [{names[0]: a, …}, …]; a wrong count is a row problem that names the column."""
    triples = []
    for item in _split(value):
        parts = [p.strip() for p in item.split(PART_SEPARATOR)]
        if len(parts) != len(names):
            raise ValueError(f"{key}: {item!r} is not {PART_SEPARATOR.join(names)}")
        triples.append(dict(zip(names, parts)))
    return triples


def csv_row_to_customer(row: dict[str, str]) -> dict[str, Any]:
    """A flat CSV row → the nested shape of customers.yaml. Lists are ``a;b``; a ticket is
    ``service|line|kind``; a past response is ``product|response|ISO time``; yes/no as true/false, 1/0 or да/нет."""
    if None in row:
        raise ValueError("more values than columns")
    data: dict[str, Any] = {}
    profile: dict[str, Any] = {}
    for key, raw in row.items():
        value = (raw or "").strip()
        if key in PROFILE_FIELDS:
            target = profile
        else:
            target = data
        if value == "" and key not in BOOL_FIELDS:
            continue
        if key in LIST_FIELDS:
            target[key] = _split(value)
        elif key in BOOL_FIELDS:
            if value:
                target[key] = _bool(value)
        elif key == "open_tickets":
            target[key] = [{**parts, "service": parts["service"] or None}
                           for parts in _triples(key, value, ("service", "line", "kind"))]
        elif key == "history":
            target[key] = _triples(key, value, ("product", "response", "at"))
        else:
            target[key] = value
    if profile:
        data["profile"] = profile
    return data


@contextmanager
def open_rows(path: Path) -> Iterator[tuple[Iterator[tuple[int, Any]], bool]]:
    """(row number, raw row) pairs read as they are needed, and whether the rows are flat CSV rows. CSV streams (its
    rows are numbered by their line, the header is line 1); JSON items are numbered from 1 and the file is read at
    once, so it is limited in size. Raises CustomerFileError for a file that cannot be read."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise CustomerFileError(f"{path}: use a .csv or .json file")
    try:
        stream = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise CustomerFileError(f"cannot read {path}: {exc}") from exc
    with stream:
        yield (_json_rows(path, stream), False) if suffix == ".json" else (_csv_rows(path, stream), True)


def _json_rows(path: Path, stream: TextIO) -> Iterator[tuple[int, Any]]:
    text = stream.read(MAX_JSON_IMPORT_BYTES + 1)
    if len(text) > MAX_JSON_IMPORT_BYTES:
        raise CustomerFileError(f"{path}: a JSON base may have at most {MAX_JSON_IMPORT_BYTES} characters; "
                                "import a larger base as CSV")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CustomerFileError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from exc
    except ValueError as exc:
        raise CustomerFileError(f"{path}: not valid JSON: {exc}") from exc
    if isinstance(data, dict) and isinstance(data.get("customers"), list):
        data = data["customers"]
    if not isinstance(data, list):
        raise CustomerFileError(f"{path}: expected a list of customers or {{\"customers\": [...]}}")
    yield from enumerate(data, 1)


def _csv_rows(path: Path, stream: TextIO) -> Iterator[tuple[int, Any]]:
    csv.field_size_limit(MAX_CSV_FIELD_CHARS)
    reader = csv.DictReader(stream)
    try:
        header = reader.fieldnames or []
        unknown = [name for name in header if name not in CSV_COLUMNS]
        missing = [name for name in ("id", "contract", "first_name", "last_name", "gender") if name not in header]
        if unknown or missing:
            problems = [f"unknown columns {unknown}"] if unknown else []
            problems += [f"missing columns {missing}"] if missing else []
            raise CustomerFileError(f"{path}:1: {'; '.join(problems)}; columns: {', '.join(CSV_COLUMNS)}")
        line = 1
        for row in reader:
            yield line + 1, row
            line = reader.line_num
    except csv.Error as exc:
        raise CustomerFileError(f"{path}:{reader.line_num + 1}: {exc}") from exc  # the line it failed to read
    except UnicodeDecodeError as exc:
        raise CustomerFileError(f"cannot read {path}: not UTF-8 ({exc.reason})") from exc


def _content_problems(customer: DemoCustomer, content: Content) -> list[str]:
    problems = []
    if customer.id.startswith(DEMO_PREFIX):
        problems.append(f"id: {DEMO_PREFIX}… ids are reserved for the demo set")
    services = content.services
    for where, ids in (("profile.services", customer.profile.services),
                       ("profile.voluntary_blocks", customer.profile.voluntary_blocks),
                       ("global_problems", customer.global_problems),
                       ("open_tickets.service", [t.service for t in customer.open_tickets if t.service])):
        problems.extend(f"{where}: unknown service {s!r}" for s in ids if s not in services)
    for where, ids in (("profile.options", customer.profile.options),
                       ("history.product", [past.product for past in customer.history])):
        problems.extend(f"{where}: unknown product {p!r}" for p in ids if p not in content.products)
    return problems


def _validation_reason(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in error['loc']) or 'row'}: {error['msg']}" for error in exc.errors())


class _RowChecker:
    """Checks rows one by one, remembering ids and contracts seen so far in the file."""

    def __init__(self, content: Content, records: Records, *, flat: bool):
        self.content = content
        self.records = records
        self.flat = flat
        self.seen_ids: dict[str, int] = {}
        self.seen_contracts: dict[str, tuple[int, str]] = {}

    def check(self, number: int, raw: Any) -> DemoCustomer | Rejected:
        raw_id = raw.get("id") if isinstance(raw, dict) else None
        try:
            if not isinstance(raw, dict):
                raise ValueError("a customer must be an object")
            customer = DemoCustomer.model_validate(csv_row_to_customer(raw) if self.flat else raw)
        except ValidationError as exc:
            return Rejected(number, raw_id, _validation_reason(exc))
        except ValueError as exc:
            return Rejected(number, raw_id, str(exc))
        problems = _content_problems(customer, self.content)
        if customer.id in self.seen_ids:
            problems.append(f"id {customer.id!r} repeats row {self.seen_ids[customer.id]}")
        first = self.seen_contracts.get(customer.contract)
        if first is not None and first[1] != customer.id:
            problems.append(f"contract {customer.contract} is also {first[1]!r}'s (row {first[0]})")
        others = [holder for holder in self.records.customer_ids_with_contract(customer.contract)
                  if holder != customer.id]
        if others:
            problems.append(f"contract {customer.contract} already belongs to {others[0]!r} in the base")
        if problems:
            return Rejected(number, customer.id, "; ".join(problems))
        self.seen_ids[customer.id] = number
        self.seen_contracts.setdefault(customer.contract, (number, customer.id))
        return customer


def import_customers(path: Path, content: Content, records: Records, *, skip_bad: bool = False,
                     now: dt.datetime | None = None) -> ImportReport:
    """Validate the file and upsert its customers by id — all of them, or none when a row is bad (unless
    ``skip_bad``: then the valid rows go in and the bad ones are reported). Raises CustomerFileError for an unreadable
    file.

    Two passes, so that no row is held in memory: the first validates every row; the second validates them again
    and writes them in batches of IMPORT_BATCH_ROWS, each in a short transaction of its own, so a bot turn waits at
    most one batch for the database."""
    report = ImportReport(path=str(path))
    with open_rows(path) as (rows, flat):
        checker = _RowChecker(content, records, flat=flat)
        for number, raw in rows:
            report.read += 1
            checked = checker.check(number, raw)
            if isinstance(checked, Rejected):
                report.rejected.append(checked)
            else:
                report.valid += 1
    if report.rejected and not skip_bad:
        return report
    moment = (now or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds")
    with open_rows(path) as (rows, flat):
        checker = _RowChecker(content, records, flat=flat)
        valid = (checked for checked in (checker.check(number, raw) for number, raw in rows)
                 if isinstance(checked, DemoCustomer))
        while batch := [customer.model_dump(mode="json") for customer in islice(valid, IMPORT_BATCH_ROWS)]:
            written, new = records.upsert_customers(batch, moment)
            report.written += written
            report.new += new
    return report
