"""``python -m benchmarks [--quick] [--only SECTION ...] [--json FILE]``: see benchmarks/suite.py."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console

from .suite import SECTIONS, Config, print_tables, run

DEFAULT_JSON = Path(__file__).resolve().parents[1] / "var" / "bench.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tiny run: checks that everything works")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=[s for s in SECTIONS if s != "workers"],
                        help="sections to run (default: all but workers)")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help=f"where to save the figures ({DEFAULT_JSON})")
    args = parser.parse_args(argv)
    result = run(Config.quick() if args.quick else Config(), tuple(args.only))
    print_tables(result, Console(width=160))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"saved {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
