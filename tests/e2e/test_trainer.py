"""Trainer commands: /report (PNG chart + text), /scenarios, /reload (validated, swapped atomically); refusals."""
from __future__ import annotations


import pytest

from bot.telegram.keyboards import sorted_scenarios
from bot.telegram.services import build_live

from .fake_telegram import User, buttons_of
from .test_trainee import choose_scenario

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("command", ["/report", "/scenarios", "/reload"])
async def test_everyone_else_gets_a_polite_refusal(start_bot, user, live, tg, command):
    await start_bot()
    await user.send(command)
    [refusal] = await user.receive()
    assert refusal["text"] == live.content.label("tg_trainer_only")
    assert not tg.calls_of("sendPhoto")


async def test_report_is_a_chart_and_a_short_text(start_bot, user, trainer, live, tg):
    await start_bot()
    await user.send("Здравствуйте")  # one customer conversation…
    await user.receive()
    await choose_scenario(user, live)  # …and one training (the customer one is hung up first)
    await trainer.send("/report")
    report, tables = await trainer.receive(2)
    assert report["photo"] and report["_bytes"].startswith(PNG_MAGIC)
    caption = report["caption"]
    assert "Разговоров: 2 (тренировок 1, с клиентами 1)" in caption
    details = tables["text"]
    assert f"{live.content.label('rep_customers')}\n• {live.content.label('rep_conversations')} — 1" in details
    assert [c.params["action"] for c in tg.calls_of("sendChatAction") if int(c.params["chat_id"]) == trainer.id]


async def test_scenarios_lists_every_scenario(start_bot, trainer, live):
    await start_bot()
    await trainer.send("/scenarios")
    last = sorted_scenarios(live.content)[-1]
    parts = await trainer.receive_until(lambda m: last.id in m["text"])  # a long list comes in several messages
    listing = "\n".join(part["text"] for part in parts)
    for scenario in live.content.scenarios.values():
        assert scenario.id in listing and scenario.title in listing


NEW_SCENARIO = """
scenarios:
  - id: e2e_added_scenario
    title: Добавлен тренером без перезапуска
    difficulty: hard
    persona: {first_name: Пётр, patronymic: Ильич, gender: m}
    contract: "352011070499"
    customer: {services: [internet]}
    topic: slow_internet
    issue_text: медленный интернет
    offers: [speed_boost]
    final_answer: decline
    expected_outcome: not_interested
"""


async def test_reload_reports_broken_yaml_and_keeps_serving(start_bot, trainer, user, content_copy, live):
    dialogues, scripts = content_copy / "dialogues", content_copy / "scripts_ru"
    own = build_live(dialogues, scripts)
    await start_bot(own, dialogues_dir=dialogues, scripts_dir=scripts)
    await choose_scenario(user, live)  # a training is going on while the trainer edits content
    added = dialogues / "scenarios" / "e2e_added.yaml"
    added.write_text(NEW_SCENARIO.replace("difficulty: hard", "difficulty: hard\n    persona: [oops"),
                     encoding="utf-8")
    await trainer.send("/reload")
    [failed] = await trainer.receive()
    assert failed["text"].startswith(live.content.label("tg_reload_failed"))
    assert "dialogues/scenarios/e2e_added.yaml:" in failed["text"]
    # the old content keeps serving: the training goes on, the menu is unchanged
    await user.send("Добрый день! Компания Ростелеком, меня зовут Анна. Чем могу помочь?")
    [client] = await user.receive()
    assert "352011070412" in client["text"]
    await trainer.send("/train")
    [types] = await trainer.receive()
    await trainer.press(types, live.content.call_types["inbound_upsell"].name)
    [menu] = await trainer.receive()
    assert not any("Добавлен тренером" in b for b in buttons_of(menu))
    # fixed: swapped in at once
    added.write_text(NEW_SCENARIO, encoding="utf-8")
    await trainer.send("/reload")
    [done] = await trainer.receive()
    assert f"Сценариев: {len(live.content.scenarios) + 1}" in done["text"]
    await trainer.send("/train")
    [types] = await trainer.receive()
    await trainer.press(types, live.content.call_types["inbound_upsell"].name)
    [menu] = await trainer.receive()
    hard = [b for b in buttons_of(menu) if b.startswith(live.content.label("difficulty_hard"))]
    assert "Добавлен тренером без перезапуска" in "".join(hard) and buttons_of(menu)[-len(hard):] == hard
    # the training started before the reload still goes on
    await user.send("Давайте перезагрузим роутер: выключите его из розетки на 30 секунд и включите снова.")
    [client] = await user.receive()
    assert "работает" in client["text"]


async def test_trainer_help_lists_trainer_commands(start_bot, trainer, tg):
    await start_bot()
    await trainer.send("/help")
    [text] = await trainer.receive()
    assert "/report" in text["text"] and "/reload" in text["text"]
    plain = User(tg, 300003)
    await plain.send("/help")
    [text] = await plain.receive()
    assert "/train" in text["text"] and "/reload" not in text["text"]
