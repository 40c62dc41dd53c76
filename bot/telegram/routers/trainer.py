"""Trainers (ADMIN_IDS): /report, /scenarios, /reload; everyone else gets a polite refusal."""
from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, Message

from engine.content.yaml_source import ContentError
from engine.report import Period, build_report

from ..filters import IsTrainer, OnLoop
from ..keyboards import sorted_scenarios
from ..services import Services
from ..talk import send_text, thinking

TRAINER_COMMANDS = ("report", "scenarios", "reload")
REPORT_DAYS = 7
MAX_PROBLEMS_SHOWN = 20


def make_router() -> Router:
    router = Router(name="trainer")
    router.message.filter(OnLoop(F.chat.type == "private"))

    @router.message(Command(*TRAINER_COMMANDS), ~IsTrainer())
    async def refuse(message: Message, services: Services) -> None:
        await message.answer(services.texts.label("tg_trainer_only"))

    @router.message(Command("report"))
    async def report(message: Message, bot: Bot, services: Services) -> None:
        """The week's report of ``python main.py report``: its first chart with the main figures, then its tables."""
        from bot.reports import Words, caption, charts, telegram_text  # matplotlib: imported when first asked for

        texts = services.texts
        words = Words(texts.content)
        period = Period.last_days(REPORT_DAYS, texts.engine.today)

        def made():
            built = build_report(services.records, texts.content, period)
            return built, charts(built, words)

        built, pictures = await thinking(bot, message.chat.id, services.run(made))
        if built.empty:
            await message.answer(texts.content.label("rep_empty").format(since=period.since.strftime("%d.%m.%Y"),
                                                                         until=period.until.strftime("%d.%m.%Y")))
            return
        summary = texts.render("report", **caption(built, words))
        if pictures:
            name, png = next(iter(pictures.items()))
            await bot.send_photo(chat_id=message.chat.id, photo=BufferedInputFile(png, filename=f"{name}.png"),
                                 caption=summary)
        else:
            await message.answer(summary)
        await send_text(bot, message.chat.id, telegram_text(built, words))

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
