"""A call type is data: no Python module outside tests names a stage, a response code, an outcome or a call type's
text — adding a call type is YAML and templates (issue 10)."""
from __future__ import annotations

import ast
from pathlib import Path

from engine.content.loader import Content

PROJECT = Path(__file__).resolve().parents[1]
# Contract JSON keys that happen to be a stage's name too (CONTRACT.md: the eligibility output's "offer").
CONTRACT_KEYS = {("engine/eligibility.py", "offer")}


def _python_files() -> list[Path]:
    return sorted(p for p in PROJECT.rglob("*.py")
                  if not {"tests", ".venv", "venv", "var"} & set(p.relative_to(PROJECT).parts))


def _literals(path: Path) -> list[tuple[int, str]]:
    """String literals of a module that are code: not docstrings, not the documentation of a content model's
    fields (``description=``/``title=``, shown to YAML authors in the JSON Schema)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {id(node.body[0].value) for node in ast.walk(tree)
               if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
               and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg in {"description", "title"}:
            skipped |= {id(part) for part in ast.walk(node.value)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped]


def _call_type_names(content: Content) -> dict[str, str]:
    """Every stage, code and outcome id of every call type, with what it is."""
    names: dict[str, str] = {}
    for call_type in content.call_types.values():
        names.update({stage.id: f"stage of {call_type.id}" for stage in call_type.stages})
        names.update({code: f"code of {call_type.id}" for code in call_type.codes})
        names.update({outcome.id: f"outcome of {call_type.id}" for outcome in call_type.outcomes})
    return names


def _call_type_texts(content: Content) -> set[str]:
    """What a call type says in words: its name and description, stage names, outcomes' reasons, code labels."""
    texts: set[str] = set()
    for call_type in content.call_types.values():
        texts |= {call_type.name, call_type.description, *(stage.name for stage in call_type.stages),
                  *(outcome.why for outcome in call_type.outcomes),
                  *(content.response_codes[code].label for code in call_type.codes)}
    return {text for text in texts if text}


def test_no_python_module_names_a_stage_a_code_or_an_outcome(content: Content) -> None:
    names = _call_type_names(content)
    found = [f"{path.relative_to(PROJECT)}:{line}: {value!r} is a {names[value]}"
             for path in _python_files() for line, value in _literals(path)
             if value in names and (path.relative_to(PROJECT).as_posix(), value) not in CONTRACT_KEYS]
    assert not found, "\n".join(found)


def test_no_python_module_holds_a_call_types_text(content: Content) -> None:
    texts = _call_type_texts(content)
    found = [f"{path.relative_to(PROJECT)}:{line}: {value!r}" for path in _python_files()
             for line, value in _literals(path) if any(text in value for text in texts)]
    assert not found, "\n".join(found)


def test_the_check_sees_a_stage_named_in_python(tmp_path: Path, content: Content) -> None:
    """The check itself: a module that compares with a stage's name is caught."""
    module = tmp_path / "sneaky.py"
    module.write_text('def at_bridge(snapshot):\n    return snapshot.stage == "bridge"\n', encoding="utf-8")
    assert any(value in _call_type_names(content) for _, value in _literals(module))
