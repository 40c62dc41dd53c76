"""Content validation: every kind of authoring mistake is reported as file:line: message, all at once."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.content.loader import load_content
from engine.content.yaml_source import ContentError

from .conftest import PROJECT, run_main


def _problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_content(root / "dialogues", root / "scripts_ru")
    return [str(problem) for problem in caught.value.problems]


def _write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


PRODUCT = """\
products:
  - id: {id}
    name: Тест
    family: test
    price_month: {price}
    speech: offers/books.j2
    source: test
"""

# A call type with everything required but its stages and transitions (the cases add them).
CALL_TYPE_HEAD = (
    "call_types:\n  - id: extra\n    name: Тест\n    initial: start\n    customer_machine: inbound_caller\n"
    "    rubric: inbound_upsell\n    codes: [agreed]\n    default_code: agreed\n    offer_families: [security]\n"
    "    outcomes:\n"
    "      - {id: ok, code: agreed, why: ок}\n    judge:\n      - {outcome: ok}\n"
)
CASES = {
    "unknown product id in a bridge": (
        "dialogues/extra.yaml",
        "bridges:\n  - topic: test_topic\n    name: Тест\n    template: bridges/general.j2\n"
        "    products:\n      - books\n      - no_such_product\n",
        "dialogues/extra.yaml:7: unknown product 'no_such_product'"),
    "duplicate product id": (
        "dialogues/extra.yaml", PRODUCT.format(id="antivirus", price=1),
        "dialogues/extra.yaml:2: duplicate id 'antivirus' in products (first at "),
    "wrong type": (
        "dialogues/extra.yaml", PRODUCT.format(id="test_product", price="дорого"),
        "dialogues/extra.yaml:5: products.0.price_month: Input should be a valid number"),
    "unknown key": (
        "dialogues/extra.yaml", PRODUCT.format(id="test_product", price=1) + "    prise: 5\n",
        "dialogues/extra.yaml:8: products.0.prise: Extra inputs are not permitted"),
    "unknown speech module": (
        "dialogues/extra.yaml", PRODUCT.format(id="test_product", price=1).replace("offers/books.j2", "offers/nope.j2"),
        "dialogues/extra.yaml:6: no speech module 'offers/nope.j2' in scripts_ru/"),
    "YAML syntax": (
        "dialogues/extra.yaml", "products:\n  - id: [broken\n",
        "dialogues/extra.yaml:3: YAML syntax:"),
    "unknown template variable": (
        "scripts_ru/offers/extra.j2", "{{ client.io }}, здравствуйте.\nСкидка {{ discount }} %.\n",
        "scripts_ru/offers/extra.j2:2: unknown template variable 'discount'"),
    "broken Jinja syntax": (
        "scripts_ru/offers/extra.j2", "Строка\n{% if product.has_trial %}\nпробный период\n",
        "scripts_ru/offers/extra.j2:3: template syntax: Unexpected end of template"),
    "unknown attribute at render": (
        "scripts_ru/offers/extra.j2", "Строка\n\nВсего {{ product.price_per_week }} руб.\n",
        "scripts_ru/offers/extra.j2:3: template error:"),
    "transition to an unknown stage": (
        "dialogues/call_types/extra.yaml",
        CALL_TYPE_HEAD + "    stages:\n      - id: start\n"
        "        name: Начало\n    transitions:\n      - trigger: go\n        source: start\n        dest: nowhere\n",
        "dialogues/call_types/extra.yaml:20: transition to unknown stage 'nowhere'"),
    "expected code contradicts the rules": (
        "dialogues/scenarios/extra.yaml",
        "scenarios:\n  - id: extra_scenario\n    title: Тест\n    difficulty: easy\n"
        "    persona: {first_name: Пётр, patronymic: Ильич, gender: m}\n    contract: \"352011070499\"\n"
        "    topic: slow_internet\n    issue_text: медленный интернет\n    offers: [speed_boost]\n"
        "    final_answer: decline\n    expected_outcome: not_interested\n",
        "dialogues/scenarios/extra.yaml:11: every offer is forbidden (not_applicable): the response code is "
        "'not_offered'"),
    "phrase syntax in a rubric": (
        "dialogues/rubrics/extra.yaml",
        "rubrics:\n  - id: extra_rubric\n    moves: {offers: [offer]}\n    owner_decides:\n      - договор ... на муж*\n"
        "      - номер|сим-карт* ... фирм*\n    checks:\n      - {id: offer, rule: offered, weight: 10}\n",
        "dialogues/rubrics/extra.yaml:6: «номер|сим-карт* ... фирм*»: a prefix needs at least two letters before '*'"),
    "unknown guard": (
        "dialogues/call_types/extra.yaml",
        CALL_TYPE_HEAD + "    stages:\n      - id: start\n"
        "        name: Начало\n    transitions:\n      - trigger: go\n        source: start\n        dest: start\n"
        "        conditions: [offer_allowed, lucky_day]\n",
        "dialogues/call_types/extra.yaml:21: unknown condition 'lucky_day'"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_mistake_is_reported_at_its_line(content_copy: Path, name: str) -> None:
    relative, text, expected = CASES[name]
    _write(content_copy, relative, text)
    problems = _problems(content_copy)
    assert any(problem.startswith(expected) or expected in problem for problem in problems), problems


def test_all_problems_are_reported_at_once(content_copy: Path) -> None:
    for name in ("unknown product id in a bridge", "unknown template variable"):
        relative, text, _ = CASES[name]
        _write(content_copy, relative, text)
    problems = _problems(content_copy)
    assert any("no_such_product" in problem for problem in problems)
    assert any("discount" in problem for problem in problems)


def test_a_missing_contract_product_is_reported(content_copy: Path) -> None:
    catalog = content_copy / "dialogues" / "catalog.yaml"
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace("- id: books", "- id: books_renamed"), encoding="utf-8")
    assert any("product 'books' of the contract is missing" in problem for problem in _problems(content_copy))


def test_what_the_model_operator_says_after_a_refusal_must_exist(content_copy: Path) -> None:
    population = content_copy / "dialogues" / "simulation.yaml"
    text = population.read_text(encoding="utf-8")
    for shipped, broken in (("refusals: [decline, opt_out]", "refusals: [decline, shrug]"),
                            ("{closing: hints/retention/accept_refusal.j2}", "{closing: hints/nope.j2, lunch: x.j2}")):
        assert shipped in text
        text = text.replace(shipped, broken)
    population.write_text(text, encoding="utf-8")
    problems = _problems(content_copy)
    for expected in ("no line of porting_customer has intent 'shrug'", "no speech module 'hints/nope.j2'",
                     "unknown stage 'lunch' of retention_mnp"):
        assert any(expected in problem for problem in problems), (expected, problems)


def test_shipped_content_is_valid() -> None:
    content = load_content()
    assert {"antivirus", "guarantee_plus", "ent_package"} <= content.products.keys()


def test_validate_command_exit_codes(content_copy: Path) -> None:
    ok = run_main("validate")
    assert ok.exit_code == 0, ok.stderr
    relative, text, expected = CASES["unknown product id in a bridge"]
    _write(content_copy, relative, text)
    bad = run_main("validate", content_copy)
    assert bad.exit_code == 1
    assert expected in bad.stderr
    assert "Traceback" not in bad.stderr


def test_committed_schema_matches_the_models() -> None:
    import json

    from engine.content.schema import SCHEMA_FILE, content_schema

    committed = json.loads((PROJECT / "dialogues" / SCHEMA_FILE).read_text(encoding="utf-8"))
    assert committed == content_schema(), "run `python main.py schema` after changing content models"


def test_every_content_file_references_the_schema() -> None:
    from engine.content.loader import DEFAULT_DIALOGUES, _yaml_files

    for path in _yaml_files(DEFAULT_DIALOGUES):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path


def test_every_speech_module_the_code_names_exists() -> None:
    """A template named in Python (not in YAML, which validate checks) must be shipped: a missing one fails only
    when a customer happens to reach it."""
    root = Path(__file__).resolve().parents[1]
    named = {name for path in (root / "engine").rglob("*.py")
             for name in re.findall(r"""["']([a-z_/]+\.j2)["']""", path.read_text(encoding="utf-8"))}
    assert named, "the scan finds the templates the engine names"
    missing = sorted(name for name in named if not (root / "scripts_ru" / name).is_file())
    assert missing == []
