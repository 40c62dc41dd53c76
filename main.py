"""Собеседник command line: the console simulator, the bot, and the tools trainers and other programs use."""
from __future__ import annotations

import logging
import os
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Optional

import typer

from engine.content.loader import DEFAULT_DIALOGUES, DEFAULT_SCRIPTS, load_content
from engine.content.schema import SCHEMA_FILE, write_schema
from engine.content.yaml_source import ContentError
from engine.json_io import decode_utf8, dump, line_too_long, read_lines, stdout_writer
from state_machines.call_stage import mermaid

DEMO_CUSTOMERS_SHOWN = 4
app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Собеседник: dialogue bot and simulator.")


def _mermaid(call_type) -> str:
    return mermaid(call_type, {outcome.id: outcome.code for outcome in call_type.outcomes})


def _content_roots(path: Optional[Path]) -> tuple[Path, Path]:
    if path is None:
        return DEFAULT_DIALOGUES, DEFAULT_SCRIPTS
    if (path / "dialogues").is_dir():
        return path / "dialogues", path / "scripts_ru"
    return path, path.parent / "scripts_ru"


def _load_or_exit(path: Optional[Path] = None):
    try:
        return load_content(*_content_roots(path))
    except ContentError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        raise typer.Exit(1)


def _open_records(db: Optional[Path], *, sqlite: bool = False):
    """The records (PostgreSQL when DATABASE_URL is set, unless ``sqlite``), or one line and exit 2."""
    from engine.records import RecordStoreError, Records

    try:
        return Records(db) if sqlite else Records.from_env(db)
    except RecordStoreError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2)


@app.command()
def validate(
    path: Optional[Path] = typer.Argument(None, help="A folder with dialogues/ and scripts_ru/, or a dialogues folder"),
    graph: Optional[Path] = typer.Option(None, "--graph", help="Also write the call types as Mermaid to this file"),
) -> None:
    """Validate all content; print every problem as file:line: message."""
    content = _load_or_exit(path)
    if graph is not None:
        graph.write_text("\n".join(_mermaid(ct) for ct in content.call_types.values()), encoding="utf-8")
    typer.echo(f"ok: {len(content.products)} products, {len(content.call_types)} call types "
               f"({', '.join(content.call_types)}), {len(content.scenarios)} scenarios, "
               f"{len(content.speech.template_names())} speech modules")


@app.command()
def schema(
    output: Path = typer.Option(DEFAULT_DIALOGUES / SCHEMA_FILE, "--output", "-o", help="Where to write the schema"),
) -> None:
    """Write the JSON Schema of content files (YAML files reference it for autocomplete)."""
    typer.echo(str(write_schema(output)))


@app.command()
def graph(
    call_type: Optional[str] = typer.Option(None, "--call-type", help="Only this call type"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="File to write; stdout by default"),
) -> None:
    """Write the call-stage machine as a Mermaid state diagram."""
    content = _load_or_exit()
    chosen = [ct for ct in content.call_types.values() if call_type in (None, ct.id)]
    if not chosen:
        typer.echo(f"unknown call type {call_type!r}", err=True)
        raise typer.Exit(2)
    text = "\n".join(_mermaid(ct) for ct in chosen)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


def _engine_and_records(db: Optional[Path]):
    """The engine over the records' customer base (SQLite, with the demo set behind it: engine/customers.py)."""
    from engine.customers import CustomerBase
    from engine.dialogue import DialogueEngine
    from engine.understanding import Understanding

    content = _load_or_exit()
    try:
        nlu = Understanding.load(content.dialogues)
    except ContentError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        raise typer.Exit(1)
    records = _open_records(db)
    base = CustomerBase(content, records)
    return content, DialogueEngine(content, nlu, customers=base), records, base


@app.command()
def play(
    mode: str = typer.Option("customer", "--mode", help="trainee: you are the operator; customer: you are the customer"),
    scenario: Optional[str] = typer.Option(None, "--scenario", help="Trainee mode: scenario id (random if omitted)"),
    customer: Optional[str] = typer.Option(None, "--customer", help="Customer mode: demo customer id"),
    script: Optional[Path] = typer.Option(None, "--script", help="Read the human side's lines from this file"),
    as_json: bool = typer.Option(False, "--json", help="Print the transcript and results as one JSON object"),
    seed: Optional[int] = typer.Option(None, "--seed", help="Seed for the simulated customer's variation"),
    call_type: Optional[str] = typer.Option(None, "--call-type", help="The call type (validate lists them); "
                                                                      "a scenario's own by default"),
    db: Optional[Path] = typer.Option(None, "--db", envvar="DB_PATH", help="SQLite file for records"),
) -> None:
    """The console simulator: trainee mode (the program plays the customer) or customer mode (the self-service bot)."""
    from bot.console import ConsoleSession, dump_json, run_interactive, transcript_json
    from bot.logs import configure_logging
    from bot.runner import ConversationRunner

    if mode not in ("trainee", "customer"):
        typer.echo(f"unknown mode {mode!r}: use trainee or customer", err=True)
        raise typer.Exit(2)
    content, engine, records, base = _engine_and_records(db)
    if scenario is not None and scenario not in content.scenarios:
        typer.echo(f"unknown scenario {scenario!r}; known: {', '.join(sorted(content.scenarios))}", err=True)
        raise typer.Exit(2)
    if customer is not None and base.get(customer) is None:
        typer.echo(f"unknown customer {customer!r}; demo: {', '.join(sorted(content.customers))}", err=True)
        raise typer.Exit(2)
    if call_type is not None and call_type not in engine.call_types_of(mode):
        typer.echo(f"unknown call type {call_type!r} for {mode} mode; known: "
                   f"{', '.join(engine.call_types_of(mode))}", err=True)
        raise typer.Exit(2)
    if scenario is not None and call_type is not None \
            and content.call_type_of(content.scenarios[scenario]).id != call_type:
        typer.echo(f"scenario {scenario!r} is a {content.call_type_of(content.scenarios[scenario]).id} call, "
                   f"not {call_type}", err=True)
        raise typer.Exit(2)
    options = {"seed": seed, "scenario_id": scenario, "customer_id": customer, "call_type": call_type}
    session = ConsoleSession(ConversationRunner(engine, records, "script" if script else "console"))
    configure_logging(file=records.path.with_name("console.log"), level=logging.WARNING)
    try:
        if script is not None:
            snapshot = _play_script(session, mode, script, options)
        else:
            labels = {label_id: label.text for label_id, label in content.labels.items()}
            intro = _demo_customers_hint(content, engine, records) if mode == "customer" and not customer else ""
            snapshot = run_interactive(session, mode, labels, sys.stdin, intro, **options)
    finally:
        records.close()
    if as_json:
        dump_json(transcript_json(snapshot), sys.stdout)


class _ScriptLineError(ValueError):
    """A line of a --script file that cannot be read: the call stops there (exit 2)."""


def _script_lines(script: Path, stream) -> Iterator[str]:
    for number, raw in enumerate(read_lines(stream), 1):
        if raw is None:
            raise _ScriptLineError(line_too_long(f"{script}:{number}"))
        try:
            yield decode_utf8(raw, f"{script}:{number}")
        except ValueError as exc:
            raise _ScriptLineError(str(exc)) from None


def _play_script(session, mode: str, script: Path, options: dict):
    """A scripted call: a bad script line is one line and exit 2, a failing turn one line and exit 1 (its traceback
    in console.log); either way the session is recorded as abandoned."""
    from bot.console import run_script

    try:
        with script.open("rb") as stream:
            return run_script(session, mode, _script_lines(script, stream), **options)
    except OSError as exc:
        typer.echo(f"cannot read the script {script}: {exc.strerror or exc}", err=True)
        raise typer.Exit(2)
    except _ScriptLineError as exc:
        typer.echo(f"cannot read the script: {exc}", err=True)
        raise typer.Exit(2)
    except Exception as exc:  # noqa: BLE001 — one line for the calling program, the rest in the log
        logging.getLogger("sobesednik.console").exception("scripted session failed")
        typer.echo(f"internal error: {type(exc).__name__}: {exc}", err=True)
        raise typer.Exit(1)


def _demo_customers_hint(content, engine, records) -> str:
    """While the customer base is empty the demo customers serve: tell a new user whom he can be."""
    from engine.content.speech import Person

    if records.customer_count():
        return ""
    shown = list(content.customers.values())[:DEMO_CUSTOMERS_SHOWN]
    context = content.speech_context(Person(""), Person(""), None, engine.today, details={"customers": shown})
    return content.speech.render("bot/console_demo.j2", **context)


customers_app = typer.Typer(no_args_is_help=True, help="The customer base of the self-service assistant (SQLite).")
app.add_typer(customers_app, name="customers")


@customers_app.command("import")
def customers_import(
    file: Path = typer.Argument(..., help="Customers as .csv (flat columns) or .json (the shape of customers.yaml)"),
    skip_bad: bool = typer.Option(False, "--skip-bad", help="Import the valid rows even if some are rejected"),
    as_json: bool = typer.Option(False, "--json", help="Print the report as one JSON object"),
    db: Optional[Path] = typer.Option(None, "--db", envvar="DB_PATH", help="SQLite file of the customer base"),
) -> None:
    """Validate every row and upsert the customers by id; with a bad row nothing is imported (unless --skip-bad)."""
    from engine.customers import CustomerFileError, import_customers

    content = _load_or_exit()
    records = _open_records(db)
    try:
        report = import_customers(file, content, records, skip_bad=skip_bad)
    except CustomerFileError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2)
    finally:
        records.close()
    if as_json:
        typer.echo(dump(report.as_json()))
    else:
        for rejected in report.rejected:
            typer.echo(f"{file}: row {rejected.row}" + (f" ({rejected.customer_id})" if rejected.customer_id else "")
                       + f": {rejected.reason}")
        if report.rejected and not skip_bad:
            typer.echo(f"{report.read} rows read, {len(report.rejected)} rejected: nothing imported "
                       "(fix the rows, or use --skip-bad to import the valid ones)")
        else:
            typer.echo(f"{report.read} rows read: {report.written} imported ({report.new} new, "
                       f"{report.written - report.new} updated), {len(report.rejected)} rejected")
    raise typer.Exit(1 if report.rejected and not skip_bad else 0)


@customers_app.command("forget")
def customers_forget(
    customer_id: str = typer.Argument(..., help="The id of the customer to forget"),
    db: Optional[Path] = typer.Option(None, "--db", envvar="DB_PATH", help="SQLite file of the records"),
) -> None:
    """The right to be forgotten: erase a customer's personal data from the records, keep the anonymous counts."""
    import datetime as dt

    from engine.content.self_service import DEMO_PREFIX

    if customer_id.startswith(DEMO_PREFIX):
        typer.echo(f"{customer_id}: demo customers are content, not personal data", err=True)
        raise typer.Exit(2)
    records = _open_records(db)
    try:
        known = records.customer(customer_id) or {}
        words = [known.get(part) or "" for part in ("first_name", "patronymic", "last_name")]
        done = records.forget_customer(customer_id, [word for word in words if word],
                                       dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
    finally:
        records.close()
    if done is None:
        typer.echo(f"{customer_id}: no such customer in the records", err=True)
        raise typer.Exit(2)
    typer.echo(f"{customer_id} forgotten: {done['customers']} customer row, {done['sessions']} sessions and "
               f"{done['lines']} lines redacted")


@customers_app.command("list")
def customers_list(
    db: Optional[Path] = typer.Option(None, "--db", envvar="DB_PATH", help="SQLite file of the customer base"),
) -> None:
    """The customers the assistant knows: the SQLite base, or the demo set while the base is empty."""

    content = _load_or_exit()
    records = _open_records(db)
    try:
        rows = records.all_customers()
    finally:
        records.close()
    source = "base" if rows else "demo"
    for row in rows or [c.model_dump(mode="json") for c in content.customers.values()]:
        typer.echo(f"{source}\t{row['id']}\t{row['contract']}\t{row['last_name']} {row['first_name']}")


@app.command()
def history(
    user: str = typer.Option("console", "--user", help="Whose trainee sessions (console, or a Telegram user id)"),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as one JSON object"),
    db: Optional[Path] = typer.Option(None, "--db", envvar="DB_PATH", help="SQLite file for records"),
) -> None:
    """A trainee's history and progress: sessions, scores, passes, the trend."""
    from engine.history import history_of, render_history

    content = _load_or_exit()
    records = _open_records(db)
    try:
        found = history_of(records.sessions_of(user, "trainee"), content)
    finally:
        records.close()
    if as_json:
        typer.echo(dump(found.summary()))
    else:
        typer.echo(render_history(found, content))


@app.command()
def classify(
    side: str = typer.Option("client", "--side", help="client: the customer's intent; operator: the operator's moves"),
    call_type: Optional[str] = typer.Option(None, "--call-type", help="include the intents of this call type"),
) -> None:
    """Classify utterances, one per line on stdin, into JSON lines on stdout."""
    from engine.understanding import run_classify

    raise typer.Exit(run_classify(side, read_lines(sys.stdin.buffer), stdout_writer(), DEFAULT_DIALOGUES, call_type))


@app.command()
def score(
    file: Path = typer.Argument(..., help="A finished dialogue as JSON (or - for stdin)"),
    pass_mark: Optional[int] = typer.Option(None, "--pass-mark", min=0, max=100, help="Override the pass mark"),
) -> None:
    """Score a trainee's (or any operator's) finished dialogue: checks, flags and feedback as one JSON object."""
    from engine.score_cli import run_score
    from engine.understanding import Understanding

    content = _load_or_exit()
    raise typer.Exit(run_score(file, stdout_writer(), content, Understanding.load(content.dialogues), pass_mark))


@app.command()
def bot() -> None:
    """Run the Telegram bot (BOT_TOKEN, TELEGRAM_API_URL, ADMIN_IDS, REDIS_URL, WEBHOOK_URL/SECRET, DB_PATH)."""
    from bot.telegram import run_bot

    raise typer.Exit(run_bot())


@app.command()
def eligibility() -> None:
    """«Когда не предлагаем»: a JSON context per line on stdin → allowed and every reason, a JSON line each."""
    from engine.rules_cli import run_eligibility

    raise typer.Exit(run_eligibility(read_lines(sys.stdin.buffer), stdout_writer(), _load_or_exit()))


@app.command()
def offers() -> None:
    """Next best offers: a JSON context per line on stdin → the ranked, explained offers as a JSON line."""
    from engine.rules_cli import run_offers

    raise typer.Exit(run_offers(read_lines(sys.stdin.buffer), stdout_writer(), _load_or_exit()))


REPORTS_DIR = Path("var") / "reports"


def _say_and_exit(content, label_id: str, code: int = 2, **values) -> None:
    """A polite Russian line for a bad input (its words from dialogues/reports.yaml), and the exit code."""
    typer.echo(content.label(label_id).format(**values), err=True)
    raise typer.Exit(code)


def _existing_records(content, db: Optional[Path]):
    """The records to read (PostgreSQL with DATABASE_URL), never created here: a missing SQLite file is a polite
    line, not an empty database."""
    from engine.records import default_db_path

    if os.environ.get("DATABASE_URL", "").strip():
        return _open_records(None)
    path = db or default_db_path()
    if not path.is_file():
        _say_and_exit(content, "rep_err_no_db", path=path)
    return _open_records(path)


def _date(content, value: Optional[str]):
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        _say_and_exit(content, "rep_err_date", value=value)


@app.command()
def report(
    days: int = typer.Option(7, "--days", help="The last N days (up to today), unless --since is given"),
    since: Optional[str] = typer.Option(None, "--since", help="First day, YYYY-MM-DD"),
    until: Optional[str] = typer.Option(None, "--until", help="Last day, YYYY-MM-DD (today by default)"),
    call_type: Optional[str] = typer.Option(None, "--call-type", help="Only this call type (all by default)"),
    out: Path = typer.Option(REPORTS_DIR, "--out", help="Folder for the CSV and the PNG charts"),
    db: Optional[Path] = typer.Option(None, "--db", envvar="DB_PATH", help="SQLite file of the records"),
) -> None:
    """The trainer's report for a period: trainees and the team, failed checks with quotes, the stage funnel, codes,
    objections, customer mode, retention — a table here, a CSV and PNG charts in --out (the same as /report)."""
    import datetime as dt

    from rich.console import Console

    from bot.reports import Words, save, tables
    from engine.report import Period, build_report

    content = _load_or_exit()
    if call_type is not None and call_type not in content.call_types:
        _say_and_exit(content, "rep_err_call_type", value=call_type, known=", ".join(content.call_types))
    if not 1 <= days <= 3660:
        _say_and_exit(content, "rep_err_days", value=days)
    last = _date(content, until) or dt.date.today()
    first = _date(content, since) or Period.last_days(days, last).since
    if first > last:
        _say_and_exit(content, "rep_err_period", since=first, until=last)
    records = _existing_records(content, db)
    try:
        built = build_report(records, content, Period(first, last), call_type)
    finally:
        records.close()
    words = Words(content)
    console = Console(width=160)
    console.print(words.title(built), style="bold")
    if built.empty:
        typer.echo(content.label("rep_empty").format(since=first.strftime("%d.%m.%Y"), until=last.strftime("%d.%m.%Y")))
        raise typer.Exit(0)
    for grid in tables(built, words):
        console.print(grid)
    stem = f"report-{call_type or 'all'}-{first.isoformat()}-{last.isoformat()}"
    written = save(built, words, out, stem)
    typer.echo("\n".join([content.label("rep_files"), *map(str, written)]))


@app.command()
def dashboard(
    db: Optional[Path] = typer.Option(None, "--db", envvar="DB_PATH", help="SQLite file of the records"),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (this machine only by default)"),
    port: int = typer.Option(8001, "--port", min=1, max=65535, help="Port to listen on"),
    export: Optional[Path] = typer.Option(None, "--export", help="With DATABASE_URL: copy the records from "
                                                                  "PostgreSQL into this new SQLite file and serve it"),
) -> None:
    """The trainer's dashboard in a browser: Datasette over the records, read-only, with the reports as named
    views and canned queries and no personal data (README, «Records»). Datasette reads SQLite: records kept in
    PostgreSQL are served from a copy (--export)."""
    import uvicorn

    from bot.dashboard import app as dashboard_app

    content = _load_or_exit()
    if os.environ.get("DATABASE_URL", "").strip():
        if export is None:
            _say_and_exit(content, "dash_err_postgres")
        if export.exists():
            _say_and_exit(content, "dash_err_export_exists", path=export)
        source = _existing_records(content, None)
        try:
            records = _open_records(export, sqlite=True)
            typer.echo(content.label("dash_exported").format(rows=source.copy_to(records), path=export))
        finally:
            source.close()
    elif export is not None:
        _say_and_exit(content, "dash_err_export_sqlite")
    else:
        records = _existing_records(content, db)  # brings the schema (and its views) up to date once
    path, tables = records.path, records.db.table_names()
    records.close()
    typer.echo(f"http://{host}:{port}/")
    uvicorn.run(dashboard_app(content, path, tables), host=host, port=port, log_level="warning")


@app.command()
def simulate(
    call_type: Optional[str] = typer.Option(None, "--call-type", help="The call type (the default one if omitted)"),
    version_a: Optional[Path] = typer.Option(None, "--a", help="Content of version A: a folder with dialogues/ and "
                                                                 "scripts_ru/ (the shipped content by default)"),
    version_b: Optional[Path] = typer.Option(None, "--b", help="Content of version B, compared with A"),
    customers: int = typer.Option(2500, "--customers", "-n", min=1, max=1_000_000,
                                  help="Synthetic customers; each version talks to all of them"),
    seed: int = typer.Option(1, "--seed", help="Seed of the population and of the conversations"),
    workers: Optional[int] = typer.Option(None, "--workers", min=1, help="Processes (all cores by default)"),
    csv_file: Optional[Path] = typer.Option(None, "--csv", help="CSV file (var/reports/simulate-<call type>.csv)"),
    chart_file: Optional[Path] = typer.Option(None, "--chart", help="PNG chart (var/reports/simulate-<call type>.png)"),
) -> None:
    """Run a call type's script (or two versions of it) against synthetic customers, thousands of conversations on
    every core; compare the versions with 95 % confidence intervals: a table, CSV and a chart."""
    import time

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from bot.charts import ru
    from bot.comparison import chart, table, write_csv
    from engine.simulation.compare import compare
    from engine.simulation.population import PopulationError
    from engine.simulation.run import Version, prepare, simulate as run_simulation

    shipped = _load_or_exit()
    for folder in (version_a, version_b):
        if folder is not None and not folder.is_dir():
            _say_and_exit(shipped, "sim_err_folder", value=folder)
    versions = [Version("A", _load_or_exit(version_a) if version_a is not None else shipped)]
    if version_b is not None:
        versions.append(Version("B", _load_or_exit(version_b)))
    content = versions[0].content
    chosen = call_type or content.default_call_type
    for version in versions:
        if chosen not in version.content.call_types:
            _say_and_exit(shipped, "sim_err_call_type", value=chosen, version=version.name,
                          known=", ".join(version.content.call_types))
    try:
        prepared = [prepare(version, chosen, customers, seed) for version in versions]
    except PopulationError:
        _say_and_exit(shipped, "sim_err_population", value=chosen)
    except ContentError as exc:  # a version's lexicon, read only when its engine is built
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        raise typer.Exit(1)
    console = Console(stderr=True)
    total = customers * len(versions)
    started = time.perf_counter()
    with Progress(TextColumn(content.label("sim_progress")), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=not console.is_terminal) as progress:
        bar = progress.add_task("", total=total)
        results = run_simulation(prepared, seed, workers, lambda done: progress.advance(bar, done))
    seconds = time.perf_counter() - started
    codes = content.call_types[chosen].codes
    rows = compare(results[0], results[1] if len(results) > 1 else None, codes)
    names = [version.name for version in versions]
    title = f"{content.label('sim_title')}: {content.call_types[chosen].name}"
    Console(width=160).print(table(content, rows, names, title))
    csv_path = csv_file or REPORTS_DIR / f"simulate-{chosen}.csv"
    png_path = chart_file or REPORTS_DIR / f"simulate-{chosen}.png"
    for path in (csv_path, png_path):
        path.parent.mkdir(parents=True, exist_ok=True)
    write_csv(csv_path, content, rows)
    png_path.write_bytes(chart(content, rows, names, title))
    typer.echo(content.label("sim_timing").format(count=total, seconds=ru(seconds), workers=workers or os.cpu_count()))
    typer.echo(f"{csv_path}\n{png_path}")


def main() -> None:
    """Run a command; an unforeseen failure is one line for the user, its traceback goes to the error log."""
    from bot.logs import configure_logging

    for stream in (sys.stdin, sys.stdout, sys.stderr):
        stream.reconfigure(encoding="utf-8", errors="replace")
    configure_logging(level=logging.WARNING)  # every command logs masked; play and bot set their own place
    try:
        app()
    except Exception as exc:  # noqa: BLE001 — the last resort: no traceback ever reaches a user
        from bot.logs import mask
        from engine.records import default_db_path, owner_only

        log_path = default_db_path().with_name("error.log")  # beside the records (DB_PATH)
        try:
            with owner_only(log_path).open("a", encoding="utf-8") as log:
                log.write(mask(f"{sys.argv!r}\n{traceback.format_exc()}\n"))
        except OSError:
            log_path = None
        where = f" (details in {log_path})" if log_path else ""
        sys.stderr.write(f"internal error: {type(exc).__name__}: {mask(str(exc))}{where}\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
