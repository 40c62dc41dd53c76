from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.content.loader import DEFAULT_DIALOGUES, DEFAULT_SCRIPTS, Content, load_content

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content()


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped content: tmp/dialogues and tmp/scripts_ru."""
    shutil.copytree(DEFAULT_DIALOGUES, tmp_path / "dialogues")
    shutil.copytree(DEFAULT_SCRIPTS, tmp_path / "scripts_ru")
    return tmp_path


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of ``path`` that contains ``needle``."""
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)
