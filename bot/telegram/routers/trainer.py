"""Trainers (ADMIN_IDS): /report, /scenarios, /reload; everyone else gets a polite refusal."""
from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, Message

from bot.reports import build_report
from engine.content.yaml_source import ContentError

from ..filters import IsTrainer
from ..keyboards import sorted_scenarios
from ..services import Services
from ..talk import send_text, thinking

TRAINER_COMMANDS = ("report", "scenarios", "reload")
REPORT_DAYS = 7
MAX_PROBLEMS_SHOWN = 20


def make_router() -> Router:
    router = Router(name="trainer")
    router.message.filter(F.chat.type == "private")

    @router.message(Command(*TRAINER_COMMANDS), ~IsTrainer())
    async def refuse(message: Message, services: Services) -> None:
        await message.answer(services.texts.label("tg_trainer_only"))

    @router.message(Command("report"))
    async def report(message: Message, bot: Bot, services: Services) -> None:
        texts = services.texts
        result = await thinking(bot, message.chat.id, services.run(build_report, services.records, texts,
                                                                   REPORT_DAYS))
        await bot.send_photo(chat_id=message.chat.id, photo=BufferedInputFile(result.png, filename="report.png"),
                             caption=texts.render("report", **result.summary))

    @router.message(Command("scenarios"))
    async def scenarios(message: Message, services: Services) -> None:
        texts = services.texts
        content = texts.content
        lines = [texts.label("tg_scenarios_title")]
        for scenario in sorted_scenarios(content):
            lines.append(texts.render(
                "scenario_item", id=scenario.id, title=scenario.title,
                difficulty=content.label(f"difficulty_{scenario.difficulty}"),
                offers=", ".join(content.products[p].name for p in scenario.offers if p in content.products),
            ))
        await send_text(message.bot, message.chat.id, "\n\n".join(lines))

    @router.message(Command("reload"))
    async def reload(message: Message, bot: Bot, services: Services) -> None:
        try:
            live = await thinking(bot, message.chat.id, services.reload())
        except ContentError as exc:
            texts = services.texts  # still the old content
            problems = [str(problem) for problem in exc.problems]
            shown = problems[:MAX_PROBLEMS_SHOWN]
            if len(problems) > len(shown):
                shown.append(f"… +{len(problems) - len(shown)}")
            await send_text(bot, message.chat.id, "\n".join([texts.label("tg_reload_failed"), *shown]))
            return
        texts = services.texts
        await message.answer(texts.render("reloaded", scenarios=len(live.content.scenarios),
                                          products=len(live.content.products),
                                          templates=len(live.content.speech.template_names())))

    return router
