"""simulate at the size the issue asks for: two versions × 2 500 synthetic customers = 5 000 conversations on every
core, as a whole process (content loading included); prints the wall time and the CPU time of the run.

Run: .venv/bin/python benchmarks/bench_simulate.py [--customers 2500] [--call-type inbound_upsell]
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=2500)
    parser.add_argument("--call-type", default="inbound_upsell")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        version_b = Path(folder) / "b"
        shutil.copytree(ROOT / "dialogues", version_b / "dialogues")
        shutil.copytree(ROOT / "scripts_ru", version_b / "scripts_ru")
        started = time.perf_counter()
        subprocess.run([sys.executable, "main.py", "simulate", "--call-type", args.call_type, "--b", str(version_b),
                        "-n", str(args.customers), "--csv", str(Path(folder) / "sim.csv"),
                        "--chart", str(Path(folder) / "sim.png")], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - started
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"{2 * args.customers} conversations ({args.call_type}): {wall:.1f} s wall, "
          f"{used.ru_utime + used.ru_stime:.1f} s CPU on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
