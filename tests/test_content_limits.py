"""Hostile or runaway content is refused with file:line: message, quickly and in bounded memory (engine/limits.py):
no YAML construct turns into Python objects or code, no alias bomb expands, no template loops forever."""
from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine.limits import MAX_YAML_BYTES, MAX_YAML_DEPTH, MAX_YAML_NODES, TEMPLATE_RENDER_SECONDS
from main import app

from engine.content.loader import load_content
from engine.content.yaml_source import ContentError, load_yaml

from .test_content_validation import PRODUCT, _problems, _write


def relative(root: Path, problems: list[str]) -> list[str]:
    return [problem.removeprefix(f"{root}/") for problem in problems]


def billion_laughs() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


YAML_CASES = {
    "merge key": ("base: &b\n  name: Тест\nproducts:\n  - <<: *b\n    id: x\n",
                  "dialogues/extra.yaml:4: merge keys (<<) are not supported: write the keys out"),
    "python tag": ("products:\n  - !!python/object/apply:os.system [\"echo pwned\"]\n",
                   "dialogues/extra.yaml:2: tag '!!python/object/apply:os.system' is not allowed: "
                   "content is plain data"),
    "local tag": ("products: !custom\n  - id: x\n",
                  "dialogues/extra.yaml:1: tag '!custom' is not allowed: content is plain data"),
    "billion laughs": (billion_laughs(),
                       f"dialogues/extra.yaml:6: its aliases expand to more than {MAX_YAML_NODES} values (the "
                       "limit of a content file)"),
    "alias of itself": ("products: &x [1, *x]\n",
                        "dialogues/extra.yaml:1: an alias refers to the node that contains it"),
    "deep nesting": ("products: " + "[" * 200 + "]" * 200 + "\n",
                     f"dialogues/extra.yaml:1: nested deeper than {MAX_YAML_DEPTH} levels"),
    "huge file": ("# " + "x" * MAX_YAML_BYTES + "\n",
                  f"dialogues/extra.yaml:1: the file has {MAX_YAML_BYTES + 3} bytes; a content file may have at "
                  f"most {MAX_YAML_BYTES}"),
}


@pytest.mark.parametrize("name", sorted(YAML_CASES))
def test_hostile_yaml_is_one_clear_problem(tmp_path: Path, name: str) -> None:
    text, expected = YAML_CASES[name]
    path = tmp_path / "extra.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as refused:
        load_yaml(path, "dialogues/extra.yaml")
    assert [str(problem) for problem in refused.value.problems] == [expected]


def test_hostile_yaml_is_reported_by_validate_with_the_rest(content_copy: Path) -> None:
    text, expected = YAML_CASES["billion laughs"]
    _write(content_copy, "dialogues/extra.yaml", text)
    assert expected in relative(content_copy, _problems(content_copy))


def test_aliases_within_the_limit_still_work(content_copy: Path) -> None:
    first = PRODUCT.format(id="test_a", price=1).replace("name: Тест", "name: &shared Тест")
    second = PRODUCT.format(id="test_b", price=2).replace("products:\n", "").replace("name: Тест", "name: *shared")
    _write(content_copy, "dialogues/extra.yaml", first + second)
    content = load_content(content_copy / "dialogues", content_copy / "scripts_ru")
    assert content.products["test_b"].name == content.products["test_a"].name == "Тест"


TEMPLATE_CASES = {
    "nested loops": ("Строка\n{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}\n",
                     f"scripts_ru/offers/extra.j2:2: template takes more than {TEMPLATE_RENDER_SECONDS:g} s to "
                     "render"),
    "endless recursion": ("{% macro f(n) %}{{ f(n) }}{% endmacro %}\n{{ f(1) }}\n",
                          "scripts_ru/offers/extra.j2:1: template error: maximum recursion depth exceeded"),
}


@pytest.mark.parametrize("name", sorted(TEMPLATE_CASES))
def test_a_runaway_template_fails_validation_at_its_line(content_copy: Path, name: str) -> None:
    text, expected = TEMPLATE_CASES[name]
    _write(content_copy, "scripts_ru/offers/extra.j2", text)
    done = CliRunner().invoke(app, ["validate", str(content_copy)], catch_exceptions=False)
    assert done.exit_code == 1
    assert any(line.startswith(expected) for line in relative(content_copy, done.output.splitlines())), done.output
    assert "Traceback" not in done.output
