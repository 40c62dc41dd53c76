"""Trainee mode: /train lists the scenarios by difficulty; a press starts the call."""
from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from .. import keyboards
from ..keyboards import ModeChoice, ScenarioChoice
from ..services import Services
from ..talk import Conversation


async def _offer_scenarios(bot: Bot, chat_id: int, services: Services) -> None:
    texts = services.texts
    if not texts.content.scenarios:
        await bot.send_message(chat_id=chat_id, text=texts.label("tg_no_scenarios"))
        return
    await bot.send_message(chat_id=chat_id, text=texts.label("tg_train_title"),
                           reply_markup=keyboards.scenarios(texts.content))


def make_router() -> Router:
    router = Router(name="trainee")
    router.message.filter(F.chat.type == "private")
    router.callback_query.filter(F.message.chat.type == "private")

    @router.message(Command("train"))
    async def train(message: Message, bot: Bot, services: Services) -> None:
        await _offer_scenarios(bot, message.chat.id, services)

    @router.callback_query(ModeChoice.filter(F.mode == "trainee"))
    async def choose_trainee(query: CallbackQuery, bot: Bot, services: Services) -> None:
        await query.answer()
        await _offer_scenarios(bot, query.message.chat.id, services)

    @router.callback_query(ScenarioChoice.filter())
    async def choose_scenario(query: CallbackQuery, callback_data: ScenarioChoice, bot: Bot, state: FSMContext,
                              services: Services, update_id: int) -> None:
        texts = services.texts
        if callback_data.scenario_id not in texts.content.scenarios:
            await query.answer(texts.label("tg_stale_button"), show_alert=True)
            return
        await query.answer()
        talk = Conversation(services, bot, state, query.message.chat.id, query.from_user.id, update_id)
        await talk.begin("trainee", scenario_id=callback_data.scenario_id)

    return router
