"""simulate: two versions of a script against the same synthetic customers — a difference planted in version B is
found with the right sign, two identical versions differ in nothing, and the run is the same on any number of
workers. Kept small (a few hundred conversations); the 5 000-conversation timing is a benchmark, not a test."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PIL import Image

from engine.simulation.compare import compare
from engine.simulation.run import Version, conversation_seed, prepare, simulate

from .conftest import run_main

CALL = "inbound_upsell"
PER_DAY = "И всё это — всего за {{ per_day }} в день."


def plant_no_price_per_day(folder: Path) -> None:
    """Version B answers «дорого» without the price per day, which the simulated customer needs to hear (seed 001:
    the price objection is worked by the price per day)."""
    template = folder / "scripts_ru" / "objections" / "objection_price.j2"
    text = template.read_text(encoding="utf-8")
    assert PER_DAY in text
    template.write_text(text.replace(PER_DAY, "И всё это — на выгодных условиях."), encoding="utf-8")


def run(a, b, customers: int, workers: int = 2, seed: int = 3):
    prepared = [prepare(Version("A", a), CALL, customers, seed), prepare(Version("B", b), CALL, customers, seed)]
    return simulate(prepared, seed, workers)


def test_identical_versions_show_no_significant_difference(content) -> None:
    a, b = run(content, content, 80)  # each version gets an engine of its own, as two folders would
    for row in compare(a, b, content.call_types[CALL].codes):
        assert not row.significant, row.metric.id
        assert row.diff.value == 0


def test_the_run_is_the_same_on_one_worker_or_two(content) -> None:
    assert run(content, content, 20, workers=1) == run(content, content, 20, workers=2)


def test_a_planted_difference_is_found_with_its_sign(content_copy: Path, tmp_path: Path) -> None:
    plant_no_price_per_day(content_copy)
    csv_path, png_path = tmp_path / "sim.csv", tmp_path / "sim.png"
    done = run_main("simulate", "--b", content_copy, "-n", 250, "--seed", 3, "--csv", csv_path, "--chart", png_path)
    assert done.exit_code == 0, done.output
    assert "версия B хуже по конверсии: −" in done.stdout
    with csv_path.open(encoding="utf-8") as source:
        rows = {row["metric"]: row for row in csv.DictReader(source)}
    conversion = rows["conversion"]
    assert conversion["significant"] == "1" and float(conversion["diff_high"]) < 0
    assert float(conversion["b"]) < float(conversion["a"])
    assert conversion["verdict"].startswith("версия B хуже по конверсии")
    assert rows["hung_up"]["significant"] == "0"  # what was not planted does not move
    with Image.open(png_path) as chart:
        assert chart.format == "PNG" and chart.width > 1000


def test_the_model_operator_accepts_a_clear_refusal(content) -> None:
    """Retention (seed 003): after «ухожу» the model operator offers WinBack and says goodbye without pushing — the
    phrase dialogues/simulation.yaml names for the closing stage."""
    shipped = prepare(Version("A", content), "retention_mnp", 120, 3)
    settings = shipped.operator.settings
    assert settings.refusals and settings.after_refusal
    accepting, = simulate([shipped], 3, workers=2)
    refused = [c for c in accepting if c.code == "will_not_stay"]
    assert len(refused) > len(accepting) // 2
    assert not any(c.toxic or "ignored_refusal" in c.flags for c in accepting)
    # what the customers who left heard last: WinBack, then the goodbye that accepts their «нет»
    operator, heard = shipped.operator, 0
    for index in (accepting.index(c) for c in refused[:20]):
        snapshot = operator.engine.start("trainee", scenario_id=shipped.customers[index],
                                         seed=conversation_seed(3, index)).snapshot
        while not snapshot.finished:
            operator.engine.modes["trainee"].handle(snapshot, operator.say(snapshot))
        if not any(line.analysis.get("line") == "leave" for line in snapshot.lines):
            continue  # not the owner, or off before the offer: no «ухожу» to accept
        said = {line.stage: line.text for line in snapshot.lines if line.role == "operator" and line.text}
        assert "вернуться" in said["winback_offer"]
        assert "Если передумаете" in said["closing"] and "код закрытия" not in said["closing"]
        heard += 1
    assert heard


@pytest.mark.parametrize("args, says", [
    (("--b", "/no/such/folder"), "Папки /no/such/folder нет"),
    (("--call-type", "no_such_call"), "нет типа звонка «no_such_call»"),
])
def test_bad_simulate_input_is_one_polite_line(args, says) -> None:
    done = run_main("simulate", "-n", 5, *args)
    assert done.exit_code == 2 and says in done.output and "Traceback" not in done.output
