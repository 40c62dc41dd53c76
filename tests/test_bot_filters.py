"""Every handler and filter of the bot's routers runs on the event loop: aiogram runs a synchronous one (a bare magic
filter ``F…`` included) in a thread for each update it sees (filters.OnLoop)."""
from __future__ import annotations

from bot.telegram.routers import all_routers


def test_no_handler_or_filter_goes_to_a_thread() -> None:
    synchronous = []
    for router in all_routers():
        for name, observer in router.observers.items():
            checked = [observer._handler, *observer.handlers]  # the router-wide filters, then each handler's
            for handler in checked:
                for callable_ in [handler, *(handler.filters or [])]:
                    if not callable_.awaitable and callable_.callback is not observer._handler.callback:
                        synchronous.append(f"{router.name}.{name}: {callable_.callback!r}")
    assert synchronous == []
