"""The trainer's dashboard: Datasette over the records, read-only, showing only the named views of the records
(engine/record_views.py) and the canned reports of scripts_ru/bot/dashboard/; the tables behind them — customers,
the words of every line, hand-off transcripts, snapshots — are closed, and so is arbitrary SQL and the download of
the file. Titles and descriptions are the content's (dialogues/reports.yaml)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from engine.content.loader import Content
from engine.content.speech import Person
from engine.record_views import VIEWS

QUERIES = ("trainees", "failures", "funnel", "offers", "customer_mode", "outcomes", "retention")  # none named as a table
QUERY_TEMPLATES = "bot/dashboard"
DATABASE = "records"
TEMPLATES = Path(__file__).resolve().parent / "dashboard_templates"  # the records' page in Russian
# The settings that keep it a window, not a door: no SQL of the visitor's own, no download of the whole file.
SETTINGS = {"default_allow_sql": False, "allow_download": False, "allow_csv_stream": False, "suggest_facets": False}


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _names(content: Content) -> str:
    """The rows of the ``names(kind, id, name)`` table the canned reports show names by."""
    rows: list[tuple[str, str, str]] = []
    for label_id, label in content.labels.items():
        kind, _, item = label_id.partition("_")
        if kind in ("check", "flag") and item:
            rows.append((kind, item, label.text))
    rows += [("product", pid, product.name) for pid, product in content.products.items()]
    rows += [("code", cid, code.label) for cid, code in content.response_codes.items()]
    rows += [("topic", tid, topic.name) for tid, topic in content.topics.items()]
    rows += [("reason", rid, reason.name) for rid, reason in content.retention_reasons.items()]
    for cid, call_type in content.call_types.items():
        rows.append(("call_type", cid, call_type.name))
        rows += [("stage", f"{cid}:{stage.id}", stage.name) for stage in call_type.stages]
    return ", ".join(f"({', '.join(map(_literal, row))})" for row in rows)


def _query(content: Content, query_id: str, details: dict[str, Any]) -> dict[str, Any]:
    context = content.speech_context(Person(""), Person(""), None, dt.date.today(), details=details)
    return {"title": content.label(f"dash_q_{query_id}"), "description": content.label(f"dash_q_{query_id}_about"),
            "sql": content.speech.render(f"{QUERY_TEMPLATES}/{query_id}.j2", **context),
            "params": ["since", "until"], "hide_sql": True}


def metadata(content: Content, tables: list[str]) -> dict[str, Any]:
    """Datasette's metadata: every table of the records closed (``tables``), every view and canned report titled."""
    connecting = ", ".join(_literal(code.id) for code in content.response_codes.values() if code.connects)
    details = {"names": _names(content), "connecting": connecting or "null"}
    shown = {name: {"title": content.label(f"dash_v_{name}"), "description": content.label(f"dash_v_{name}_about")}
             for name in VIEWS}
    closed = {name: {"allow": False, "hidden": True} for name in tables}
    return {
        "title": content.label("dash_title"),
        "description": content.label("dash_about"),
        "databases": {DATABASE: {
            "title": content.label("dash_database"),
            "description": content.label("dash_about"),
            "headings": {"queries": content.label("dash_h_queries"), "views": content.label("dash_h_views")},
            "allow_sql": False,
            "tables": {**closed, **shown},
            "queries": {query_id: _query(content, query_id, details) for query_id in QUERIES},
        }},
    }


def app(content: Content, path: Path, tables: list[str]):
    """The ASGI application: the records file served read-only under the name ``records``."""
    from datasette.app import Datasette
    from datasette.database import Database

    datasette = Datasette(metadata=metadata(content, tables), settings=SETTINGS, template_dir=str(TEMPLATES))
    # mutable: read as it grows (the bot may be writing), through Datasette's read-only connections (mode=ro)
    datasette.add_database(Database(datasette, path=str(path), is_mutable=True), name=DATABASE)
    datasette.remove_database("_memory")  # Datasette's scratch database, added when it is given no file
    return datasette.app()
