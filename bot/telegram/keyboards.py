"""Inline and reply keyboards; callback data stays within Telegram's 64 bytes."""
from __future__ import annotations

from collections.abc import Iterable

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from engine.content.call_types import CallType
from engine.content.loader import Content
from engine.content.scenarios import Scenario
from engine.conversation import Button

MAX_CALLBACK_BYTES = 64
SHORT_LABEL = 18
DIFFICULTY_ORDER = {"easy": 0, "medium": 1, "hard": 2}
TURN_PREFIX = "t"


class ModeChoice(CallbackData, prefix="mode"):
    mode: str


class CallTypeChoice(CallbackData, prefix="ct"):
    call_type: str


class ScenarioChoice(CallbackData, prefix="scn"):
    scenario_id: str


def turn_data(session_id: str, data: str) -> str:
    """A conversation button: tied to its session so a press on an old conversation's button is recognised."""
    return f"{TURN_PREFIX}:{session_id[:8]}:{data}"


def parse_turn_data(raw: str) -> tuple[str, str] | None:
    prefix, _, rest = raw.partition(":")
    tag, _, data = rest.partition(":")
    if prefix != TURN_PREFIX or not tag or not data:
        return None
    return tag, data


def _phone_layout(builder: InlineKeyboardBuilder, labels: Iterable[str]) -> InlineKeyboardMarkup:
    """Short labels two in a row, long ones alone: readable on a phone."""
    labels = list(labels)
    width = 2 if labels and all(len(label) <= SHORT_LABEL for label in labels) else 1
    builder.adjust(width)
    return builder.as_markup()


def reply_buttons(session_id: str, buttons: tuple[Button, ...]) -> InlineKeyboardMarkup | None:
    builder = InlineKeyboardBuilder()
    shown = []
    for button in buttons:
        data = turn_data(session_id, button.data)
        if len(data.encode()) > MAX_CALLBACK_BYTES:
            raise ValueError(f"button data too long for Telegram: {button.data!r}")
        builder.button(text=button.label, callback_data=data)
        shown.append(button.label)
    return _phone_layout(builder, shown) if shown else None


def modes(content: Content) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=content.label("tg_mode_customer"), callback_data=ModeChoice(mode="customer"))
    builder.button(text=content.label("tg_mode_trainee"), callback_data=ModeChoice(mode="trainee"))
    builder.adjust(1)
    return builder.as_markup()


def sorted_scenarios(content: Content) -> list[Scenario]:
    return sorted(content.scenarios.values(), key=lambda s: (DIFFICULTY_ORDER.get(s.difficulty, 9), s.title, s.id))


def trained_call_types(content: Content) -> list[CallType]:
    """The call types a trainee can play: those with scenarios, in the order of the content."""
    played = {content.call_type_of(scenario).id for scenario in content.scenarios.values()}
    return [call_type for call_type in content.call_types.values() if call_type.id in played]


def call_types(chosen: list[CallType]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for call_type in chosen:
        builder.button(text=call_type.name, callback_data=CallTypeChoice(call_type=call_type.id))
    builder.adjust(1)
    return builder.as_markup()


def scenarios(content: Content, call_type: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for scenario in sorted_scenarios(content):
        if content.call_type_of(scenario).id != call_type:
            continue
        difficulty = content.label(f"difficulty_{scenario.difficulty}")
        builder.button(text=f"{difficulty} · {scenario.title}", callback_data=ScenarioChoice(scenario_id=scenario.id))
    builder.adjust(1)
    return builder.as_markup()


def share_contact(content: Content) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=content.label("tg_share_contact"), request_contact=True)]],
        resize_keyboard=True, one_time_keyboard=True, is_persistent=False,
    )
