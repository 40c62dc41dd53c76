"""/start, /help, the choice of mode, /stop, /hint, /history."""
from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from engine.conversation import Event
from engine.history import history_of, render_history

from .. import keyboards
from ..filters import OnLoop
from ..keyboards import ModeChoice
from ..services import Services
from ..talk import Conversation, send_text


def make_router() -> Router:
    router = Router(name="common")
    router.message.filter(OnLoop(F.chat.type == "private"))
    router.callback_query.filter(OnLoop(F.message.chat.type == "private"))

    @router.message(CommandStart(deep_link=True))
    async def start_linked(message: Message, command: CommandObject, bot: Bot, state: FSMContext,
                           services: Services, update_id: int) -> None:
        """A link from an SMS (``t.me/<bot>?start=<call type>``, the port-out SMS opens the retention chat)
        starts the customer's conversation of that call type; any other link shows the usual start."""
        if command.args not in services.live.engine.call_types_of("customer"):
            await start(message, services)
            return
        await Conversation(services, bot, state, message.chat.id, message.from_user.id, update_id).begin(
            "customer", call_type=command.args)

    @router.message(CommandStart())
    async def start(message: Message, services: Services) -> None:
        texts = services.texts
        await message.answer(texts.render("start", name=message.from_user.first_name or ""),
                             reply_markup=keyboards.modes(texts.content))

    @router.message(Command("help"))
    async def help_(message: Message, services: Services) -> None:
        texts = services.texts
        await message.answer(texts.render("help", trainer=services.is_trainer(message.from_user.id)))

    @router.callback_query(ModeChoice.filter(F.mode == "customer"))
    async def choose_customer(query: CallbackQuery, bot: Bot, state: FSMContext, services: Services,
                              update_id: int) -> None:
        await query.answer()
        await Conversation(services, bot, state, query.message.chat.id, query.from_user.id, update_id).begin(
            "customer")

    @router.message(Command("stop"))
    async def stop(message: Message, bot: Bot, state: FSMContext, services: Services, update_id: int) -> None:
        texts = services.texts
        talk = Conversation(services, bot, state, message.chat.id, message.from_user.id, update_id)
        snapshot = await talk.snapshot()
        if snapshot is None:
            await message.answer(texts.label("tg_nothing_to_stop"))
            return
        if (await state.get_data()).get("hung_up"):
            # the call is already over and the trainee would rather not pick a response code: end it here, recorded
            # as abandoned (it cannot be scored without the codes)
            await talk.abandon(snapshot)
            await message.answer(texts.label("tg_stopped"))
            return
        await state.update_data(hung_up=True)
        await talk.turn(snapshot, Event(hang_up=True))

    @router.message(Command("hint"))
    async def hint(message: Message, bot: Bot, state: FSMContext, services: Services, update_id: int) -> None:
        texts = services.texts
        talk = Conversation(services, bot, state, message.chat.id, message.from_user.id, update_id)
        snapshot = await talk.snapshot()
        if snapshot is None or snapshot.mode != "trainee":
            await message.answer(texts.label("tg_hint_trainee_only"))
            return
        result = await talk.turn(snapshot, Event(hint=True))
        if not result.replies:
            await send_text(bot, message.chat.id, texts.label("tg_no_hint"), kind="note")

    @router.message(Command("history"))
    async def history(message: Message, services: Services) -> None:
        content = services.texts.content
        rows = await services.run(lambda: list(services.records.sessions_of(str(message.from_user.id), "trainee")))
        await send_text(message.bot, message.chat.id, render_history(history_of(rows, content), content))

    return router
