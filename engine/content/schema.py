"""The JSON Schema of a content file, for editors that autocomplete YAML (yaml-language-server modelines)."""
from __future__ import annotations

import json
from pathlib import Path

from .bundle import ContentFile

SCHEMA_FILE = "content.schema.json"


def content_schema() -> dict:
    schema = ContentFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def write_schema(target: Path) -> Path:
    target.write_text(json.dumps(content_schema(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return target
