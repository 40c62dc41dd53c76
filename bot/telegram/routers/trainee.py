"""Trainee mode: /train asks which call type to train (when there are several), then lists its scenarios by
difficulty; a press starts the call."""
from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from .. import keyboards
from ..filters import OnLoop
from ..keyboards import CallTypeChoice, ModeChoice, ScenarioChoice
from ..services import Services
from ..talk import Conversation


async def _offer_call_types(bot: Bot, chat_id: int, services: Services) -> None:
    texts = services.texts
    trained = keyboards.trained_call_types(texts.content)
    if not trained:
        await bot.send_message(chat_id=chat_id, text=texts.label("tg_no_scenarios"))
    elif len(trained) == 1:
        await _offer_scenarios(bot, chat_id, services, trained[0].id)
    else:
        listed = [{"name": call_type.name, "description": call_type.description} for call_type in trained]
        await bot.send_message(chat_id=chat_id, text=texts.render("call_types", call_types=listed),
                               reply_markup=keyboards.call_types(trained))


async def _offer_scenarios(bot: Bot, chat_id: int, services: Services, call_type: str) -> None:
    texts = services.texts
    await bot.send_message(chat_id=chat_id, text=texts.label("tg_train_title"),
                           reply_markup=keyboards.scenarios(texts.content, call_type))


def make_router() -> Router:
    router = Router(name="trainee")
    router.message.filter(OnLoop(F.chat.type == "private"))
    router.callback_query.filter(OnLoop(F.message.chat.type == "private"))

    @router.message(Command("train"))
    async def train(message: Message, bot: Bot, services: Services) -> None:
        await _offer_call_types(bot, message.chat.id, services)

    @router.callback_query(ModeChoice.filter(F.mode == "trainee"))
    async def choose_trainee(query: CallbackQuery, bot: Bot, services: Services) -> None:
        await query.answer()
        await _offer_call_types(bot, query.message.chat.id, services)

    @router.callback_query(CallTypeChoice.filter())
    async def choose_call_type(query: CallbackQuery, callback_data: CallTypeChoice, bot: Bot,
                               services: Services) -> None:
        texts = services.texts
        if callback_data.call_type not in {c.id for c in keyboards.trained_call_types(texts.content)}:
            await query.answer(texts.label("tg_stale_button"), show_alert=True)
            return
        await query.answer()
        await _offer_scenarios(bot, query.message.chat.id, services, callback_data.call_type)

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
