"""A large `customers import` beside a running bot: the import's time and peak memory, and how long a bot turn's
write waits meanwhile (prints figures).

Run: .venv/bin/python benchmarks/bench_import.py [--rows 100000]
"""
from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.records import Records, TurnWrite  # noqa: E402

HEADER = ("id,contract,last_name,first_name,patronymic,gender,phone,role,services,options,payment,balance,"
          "financial_block,voluntary_blocks,marketing_opt_out,open_tickets,global_problems,history")


def write_base(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER + "\n")
        for n in range(rows):
            out.write(f"c_{n},{600000000000 + n},Иванова,Мария,Петровна,f,8 (914) {n:07d},owner,internet;tv,viju,"
                      "advance,320.5,нет,,false,internet|2|repair,,antivirus|not_interested|2026-11-01T10:00:00+00:00\n")


def bot_turns(db: Path, stop: threading.Event, waits: list[float]) -> None:
    """What the bot does on every turn: one short write transaction, every 50 ms."""
    records = Records(db)
    n = 0
    while not stop.is_set():
        n += 1
        started = time.perf_counter()
        records.start_session(session_id=f"s{n}", mode="customer", channel="bench", user_id="u", call_type="x",
                              stage="bench", started_at="2026-11-16T10:00:00")
        records.save_turn(TurnWrite(session_id=f"s{n}", stage="bench", status="active",
                                    turns=[{"n": 1, "role": "client", "text": "привет", "stage": "bench",
                                            "at": "2026-11-16T10:00:00"}]))
        waits.append(time.perf_counter() - started)
        stop.wait(0.05)
    records.close()


def import_once(base: Path, db: Path) -> tuple[float, list[float]]:
    stop, waits = threading.Event(), []
    bot = threading.Thread(target=bot_turns, args=(db, stop, waits))
    bot.start()
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "main.py"), "customers", "import", str(base), "--db", str(db)],
                   check=True, stdout=subprocess.DEVNULL)
    took = time.perf_counter() - started
    stop.set()
    bot.join()
    return took, waits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    rows = parser.parse_args().rows
    with tempfile.TemporaryDirectory() as folder:
        base, db = Path(folder) / "base.csv", Path(folder) / "records.sqlite"
        write_base(base, rows)
        for name in ("import", "re-import"):
            took, waits = import_once(base, db)
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(f"{name} of {rows} rows: {took:.1f} s, peak memory of the import {peak:.0f} MB; "
                  f"bot turn writes meanwhile: {len(waits)}, median {statistics.median(waits) * 1000:.1f} ms, "
                  f"max {max(waits) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
