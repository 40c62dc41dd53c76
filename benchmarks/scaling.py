"""Several bot workers as deployed (deploy/): Redis for the dialogue state and the per-user locks, PostgreSQL for
the records, each started here on 127.0.0.1; updates/s with 1, 2, 4 workers under the same users, and the load
one update puts on Redis (commands) and PostgreSQL (transactions, rows written) — the figures of docs/capacity.md."""
from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

import psycopg
import redis

from engine.records import Records
from tests import servers
from tests.e2e.fake_telegram import FakeTelegram

from .bot_load import conversations, seed_customers, workers
from .webhook_load import BOT_COMMAND, TOKEN, drive


def _redis_calls(url: str) -> int:
    client = redis.Redis.from_url(url)
    try:
        return sum(stats["calls"] for stats in client.info("commandstats").values())
    finally:
        client.close()


def _pg_counters(url: str) -> dict[str, int]:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("select xact_commit, tup_inserted, tup_updated, tup_fetched from pg_stat_database "
                           "where datname = current_database()").fetchone()
    return dict(zip(("transactions", "rows_inserted", "rows_updated", "rows_fetched"), row))


async def _run(counts: Sequence[int], users: int, folder: Path, redis_url: str, database_url: str) -> dict:
    runs = {}
    for count in counts:
        servers.empty_postgres(database_url)
        redis.Redis.from_url(redis_url).flushall()
        records = Records(url=database_url)
        seed_customers(records, users)
        records.close()
        tg = await FakeTelegram(TOKEN).start()
        try:
            async with workers(tg, BOT_COMMAND, count, folder / f"w{count}", REDIS_URL=redis_url,
                               DATABASE_URL=database_url) as running:
                await asyncio.sleep(1.0)  # let the statistics collector settle after the start-up
                redis_before, pg_before = _redis_calls(redis_url), _pg_counters(database_url)
                load = await drive(running.urls, conversations(users))
                await asyncio.sleep(1.0)  # PostgreSQL reports its counters about once a second
                redis_after, pg_after = _redis_calls(redis_url), _pg_counters(database_url)
        finally:
            await tg.stop()
        updates = len(load.latencies)
        runs[f"{count} worker{'s' if count > 1 else ''}"] = {
            **load.figures(),
            "redis_cmds_per_update": round((redis_after - redis_before) / updates, 1),
            **{f"pg_{key}_per_update": round((pg_after[key] - pg_before[key]) / updates, 2) for key in pg_after}}
    return runs


def run(counts: Sequence[int], users: int, folder: Path) -> dict:
    for count in counts:
        (folder / f"w{count}").mkdir(parents=True, exist_ok=True)
    with servers.redis_server() as redis_url, servers.postgres_server() as database_url:
        runs = asyncio.run(_run(counts, users, folder, redis_url, database_url))
    return {"records": "PostgreSQL", "users": users, "runs": runs}
