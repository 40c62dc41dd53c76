"""How ``simulate`` builds its synthetic customers around a call type's scenario personas, and what the model
operator of the batch simulator says at each stage."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, NonNegativeFloat, NonNegativeInt, PositiveInt

from .base import Authored, Identifier, TemplatePath
from .scenarios import Trap
from .speech import Speech
from .yaml_source import Problem

Mood = Literal["calm", "neutral", "irritated", "conflict"]


class Population(Authored):
    """Seeded variation of the customers of one call type: each synthetic customer is a scenario persona with his
    mood, patience, objections, final answer and what he already has drawn from these weights."""

    call_type: Identifier = Field(description="Тип звонка, к которому относится эта популяция")
    moods: dict[Mood, NonNegativeFloat] = Field(description="Вес каждого настроения в начале звонка")
    patience_spread: NonNegativeInt = Field(default=1, description="Насколько терпение отличается от персоны (±)")
    objections: list[Identifier] = Field(
        default_factory=list, description="Возражения, которые синтетический клиент может выдвинуть сверх своих")
    objection_counts: dict[NonNegativeInt, NonNegativeFloat] = Field(
        description="Вес каждого числа возражений у клиента (0, 1, 2, 3…)")
    answers: dict[Mood, dict[Identifier, NonNegativeFloat]] = Field(
        description="По настроению: вес каждого окончательного ответа на предложение (answers машины клиента)")
    already_has: NonNegativeFloat = Field(
        default=0, le=1, description="Доля клиентов, у которых главное предложение уже подключено")
    already_has_trap: Trap | None = Field(
        default=None, description="Ловушка, которую получает такой клиент (как он узнаётся и когда проговорится); "
                                  "без неё уже подключённого предложения не бывает")
    speech: dict[Identifier, Literal["hint", "topic_solution"]] = Field(
        default_factory=dict, description="Что говорит модельный оператор на этапе: hint — фразу подсказки этапа "
                                          "(по умолчанию), topic_solution — решение темы обращения (scripts_ru/hints/solutions/<тема>.j2)")
    refusals: list[Identifier] = Field(
        default_factory=list, description="Намерения реплик клиента, которые — ясный отказ (decline, opt_out…)")
    after_refusal: dict[Identifier, TemplatePath] = Field(
        default_factory=dict, description="После ясного отказа модельный оператор принимает его: на этих этапах "
                                          "говорит эти фразы (scripts_ru/…) вместо подсказки этапа")
    toxic_flags: list[Identifier] = Field(
        default_factory=list, description="Флаги оценки, которые считаются признаками токсичного звонка")
    max_turns: PositiveInt = Field(default=30, description="После стольких реплик оператора звонок передают человеку")


def check_populations(merged: dict[str, dict[str, Any]], speech: Speech) -> list[Problem]:
    """Every name a population uses exists: its call type, the stages it gives speech to, the objections, the
    answers of the call type's customer machine, the phrases it says after a refusal."""
    problems: list[Problem] = []
    for population in merged["populations"].values():
        call_type = merged["call_types"].get(population.call_type)
        if call_type is None:
            problems.append(population.problem(f"unknown call type {population.call_type!r}", "call_type"))
            continue
        stages = {stage.id for stage in call_type.stages}
        problems += [population.problem(f"unknown stage {stage!r} of {call_type.id}", field, stage)
                     for field in ("speech", "after_refusal") for stage in getattr(population, field)
                     if stage not in stages]
        problems += [population.problem(f"no speech module {template!r} in scripts_ru/", "after_refusal", stage)
                     for stage, template in population.after_refusal.items() if not speech.exists(template)]
        problems += [population.problem(f"unknown objection {objection!r}", "objections", index)
                     for index, objection in enumerate(population.objections) if objection not in merged["objections"]]
        machine = merged["customer_machines"].get(call_type.customer_machine)
        known = {answer.id for answer in machine.answers} if machine is not None else set()
        problems += [population.problem(f"unknown answer {answer!r} of {call_type.customer_machine}", "answers", mood,
                                        answer)
                     for mood, weights in population.answers.items() for answer in weights if answer not in known]
        intents = {line.intent for line in machine.lines} if machine is not None else set()
        problems += [population.problem(f"no line of {call_type.customer_machine} has intent {intent!r}", "refusals",
                                        index)
                     for index, intent in enumerate(population.refusals) if intent not in intents]
        problems += [population.problem(f"mood {mood!r} has moods weight but no answers", "moods", mood)
                     for mood, weight in population.moods.items() if weight and mood not in population.answers]
        if not any(population.moods.values()) or not any(population.objection_counts.values()):
            problems.append(population.problem("moods and objection_counts need a weight above zero", "moods"))
    return problems
