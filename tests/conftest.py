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
