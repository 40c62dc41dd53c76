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
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import ValidationError

from .content.self_service import DEMO_PREFIX, DemoCustomer, phone_digits
from .next_best_offer import PastResponse

if TYPE_CHECKING:
    from .content.loader import Content
    from .records import Records


class CustomerDirectory(Protocol):
    """Where the customer mode finds customers; the engine never opens a database itself."""

    def get(self, customer_id: str) -> DemoCustomer | None: ...

    def by_contract(self, contract: str) -> list[DemoCustomer]: ...

    def by_phone(self, phone: str) -> list[DemoCustomer]: ...

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
    valid: list[DemoCustomer] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    written: int = 0
    new: int = 0

    @property
    def ok(self) -> bool:
        return not self.rejected

    def as_json(self) -> dict[str, Any]:
        return {"file": self.path, "read": self.read, "valid": len(self.valid), "imported": self.written,
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


def read_rows(path: Path) -> tuple[list[tuple[int, Any]], bool]:
    """(row number, raw row) pairs and whether the rows are flat CSV rows: CSV rows are numbered by their line (the
    header is line 1), JSON items from 1."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CustomerFileError(f"cannot read {path}: {exc}") from exc
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CustomerFileError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from exc
        if isinstance(data, dict) and isinstance(data.get("customers"), list):
            data = data["customers"]
        if not isinstance(data, list):
            raise CustomerFileError(f"{path}: expected a list of customers or {{\"customers\": [...]}}")
        return list(enumerate(data, 1)), False
    if path.suffix.lower() != ".csv":
        raise CustomerFileError(f"{path}: use a .csv or .json file")
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    unknown = [name for name in header if name not in CSV_COLUMNS]
    missing = [name for name in ("id", "contract", "first_name", "last_name", "gender") if name not in header]
    if unknown or missing:
        problems = [f"unknown columns {unknown}"] if unknown else []
        problems += [f"missing columns {missing}"] if missing else []
        raise CustomerFileError(f"{path}:1: {'; '.join(problems)}; columns: {', '.join(CSV_COLUMNS)}")
    rows = []
    line = 1
    for row in reader:
        rows.append((line + 1, row))
        line = reader.line_num
    return rows, True


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


def validate_rows(rows: Iterable[tuple[int, Any]], content: Content, records: Records | None = None,
                  path: str = "", *, flat: bool = False) -> ImportReport:
    """Every row checked; the report holds the valid customers and each rejected row with its reason."""
    report = ImportReport(path=path)
    seen_ids: dict[str, int] = {}
    seen_contracts: dict[str, tuple[int, str]] = {}
    for number, raw in rows:
        report.read += 1
        raw_id = raw.get("id") if isinstance(raw, dict) else None
        try:
            if not isinstance(raw, dict):
                raise ValueError("a customer must be an object")
            data = csv_row_to_customer(raw) if flat else raw
            customer = DemoCustomer.model_validate(data)
        except ValidationError as exc:
            report.rejected.append(Rejected(number, raw_id, _validation_reason(exc)))
            continue
        except ValueError as exc:
            report.rejected.append(Rejected(number, raw_id, str(exc)))
            continue
        problems = _content_problems(customer, content)
        if customer.id in seen_ids:
            problems.append(f"id {customer.id!r} repeats row {seen_ids[customer.id]}")
        first = seen_contracts.get(customer.contract)
        if first is not None and first[1] != customer.id:
            problems.append(f"contract {customer.contract} is also {first[1]!r}'s (row {first[0]})")
        if records is not None:
            holders = [row["id"] for row in records.customers_where(contract=customer.contract)]
            others = [holder for holder in holders if holder != customer.id]
            if others:
                problems.append(f"contract {customer.contract} already belongs to {others[0]!r} in the base")
        if problems:
            report.rejected.append(Rejected(number, customer.id, "; ".join(problems)))
            continue
        seen_ids[customer.id] = number
        seen_contracts.setdefault(customer.contract, (number, customer.id))
        report.valid.append(customer)
    return report


def import_customers(path: Path, content: Content, records: Records, *, skip_bad: bool = False,
                     now: dt.datetime | None = None) -> ImportReport:
    """Validate the file and upsert its customers by id — all of them, or none when a row is bad (unless
    ``skip_bad``: then the valid rows go in and the bad ones are reported). Raises CustomerFileError for an unreadable
    file."""
    rows, flat = read_rows(path)
    report = validate_rows(rows, content, records, str(path), flat=flat)
    if report.rejected and not skip_bad:
        return report
    moment = (now or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds")
    existing = {row["id"] for row in records.all_customers()}
    report.new = sum(1 for customer in report.valid if customer.id not in existing)
    report.written = records.upsert_customers((customer.model_dump(mode="json") for customer in report.valid),
                                              moment)
    return report
