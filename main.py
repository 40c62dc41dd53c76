"""Собеседник command line: the console simulator, the bot, and the tools trainers and other programs use."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from engine.content.loader import DEFAULT_DIALOGUES, DEFAULT_SCRIPTS, load_content
from engine.content.schema import SCHEMA_FILE, write_schema
from engine.content.yaml_source import ContentError
from state_machines.call_stage import mermaid

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Собеседник: dialogue bot and simulator.")


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


@app.command()
def validate(
    path: Optional[Path] = typer.Argument(None, help="A folder with dialogues/ and scripts_ru/, or a dialogues folder"),
    graph: Optional[Path] = typer.Option(None, "--graph", help="Also write the call types as Mermaid to this file"),
) -> None:
    """Validate all content; print every problem as file:line: message."""
    content = _load_or_exit(path)
    if graph is not None:
        graph.write_text("\n".join(mermaid(ct) for ct in content.call_types.values()), encoding="utf-8")
    typer.echo(f"ok: {len(content.products)} products, {len(content.call_types)} call types, "
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
    text = "\n".join(mermaid(ct) for ct in chosen)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    app()
