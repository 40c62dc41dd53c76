from __future__ import annotations

import logging
import os
import shutil
import threading
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner
from hypothesis import settings


from engine.content.loader import DEFAULT_DIALOGUES, DEFAULT_SCRIPTS, Content, load_content
from engine.content.yaml_source import ContentError

PROJECT = Path(__file__).resolve().parents[1]

# The property-based tests' budget: a fixed number of examples, the same ones on every run (a failure is
# reproducible, never a flake); no per-example deadline, since a busy machine is not a bug. `HYPOTHESIS_PROFILE=deep`
# explores further by hand.
settings.register_profile("ci", max_examples=40, deadline=None, derandomize=True, database=None,
                          print_blob=True)
settings.register_profile("deep", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_configure(config: pytest.Config) -> None:
    """On a fresh clone, or after the content changed, what loading it leaves in var/cache (its parsed YAML, the
    trained understanding, the passed speech check) is made once, here: with workers, by a thread of this process
    (which runs no test) while they start, not by each worker after them; a worker that needs the understanding
    first waits for this training and reads its file (engine/understanding/model.py)."""
    if hasattr(config, "workerinput"):
        return
    if getattr(config.option, "numprocesses", None):
        threading.Thread(target=_load_shipped_content).start()
    else:
        _load_shipped_content()


def _load_shipped_content() -> None:
    try:
        load_content()
    except ContentError:
        pass  # broken content fails the tests that load it


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """`--dist loadgroup` sends the tests of one xdist_group to one worker by the group name pytest-xdist appends to
    their ids; pytest-xdist 3.8 writes it to ``item._nodeid``, which pytest 9.2 no longer reads (pytest-xdist issue
    1386), so the groups were spread over every worker, each building the group's expensive fixture again. This
    puts the tagged id where pytest reads it (a no-op where the tag took effect)."""
    for item in items:
        tagged = vars(item).get("_nodeid")
        if tagged and tagged != item.nodeid:
            item._id = type(item._id).parse(tagged)


@pytest.fixture(autouse=True)
def isolated_logging():
    """A command run in process installs the privacy handler on the root logger (as every entry point does): it must
    not outlive its test, or a later test's caplog sees records already masked, depending on the test order."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content()


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped content: tmp/dialogues and tmp/scripts_ru."""
    shutil.copytree(DEFAULT_DIALOGUES, tmp_path / "dialogues")
    shutil.copytree(DEFAULT_SCRIPTS, tmp_path / "scripts_ru")
    return tmp_path


def run_main(*args: object, input: str | None = None) -> Result:
    """``python main.py ARGS`` in process (the content is loaded once per process anyway); ``input`` is stdin."""
    import main

    return CliRunner().invoke(main.app, [str(arg) for arg in args], input=input)


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of ``path`` that contains ``needle``."""
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)
