"""The peer: the same customer call (benchmarks/dialogues.py, «customer / inbound_upsell») as a chatsky script —
identification by contract, the slow-internet advice, the offer, one price objection, agreement — replayed like the
engine's. Run in a process of its own (chatsky patches asyncio with nest_asyncio on import):
``python -m benchmarks.peer_chatsky CONVERSATIONS`` prints its figures as JSON. Needs the ``bench`` extra."""
from __future__ import annotations

import asyncio
import json
import re
import sys
import time

from chatsky import RESPONSE, TRANSITIONS, Message, Pipeline
from chatsky import Transition as Tr
from chatsky import conditions as cnd

from .dialogues import CUSTOMER_LINES
from .engine_turns import Turns

I = re.IGNORECASE
SCRIPT = {
    "call": {
        "start": {TRANSITIONS: [Tr(dst="hello")]},
        "hello": {RESPONSE: "Здравствуйте! Я Ника, помощница компании «Ростелеком». Напишите номер договора и "
                               "Ваши фамилию и имя.",
                     TRANSITIONS: [Tr(dst="problem", cnd=cnd.Regexp(r"\d{12}"))]},
        "problem": {RESPONSE: "Спасибо, я Вас нашла. Расскажите, с каким вопросом Вы обращаетесь?",
                  TRANSITIONS: [Tr(dst="advice", cnd=cnd.Regexp(r"медленн|скорост|интернет", flags=I))]},
        "advice": {RESPONSE: "Перезагрузите роутер: выключите его из розетки на 30 секунд. Стало лучше?",
                   TRANSITIONS: [Tr(dst="pitch", cnd=cnd.Regexp(r"помогло|да|лучше", flags=I))]},
        "pitch": {RESPONSE: "Предлагаю расширенную гарантию на 2 устройства всего за 3 рубля в день — 90 рублей в "
                            "месяц. Давайте подключим прямо сейчас?",
                  TRANSITIONS: [Tr(dst="bye", cnd=cnd.Regexp(r"подключ|давайте|согла", flags=I)),
                                Tr(dst="objection", cnd=cnd.Regexp(r"дорог|цена|денег", flags=I))]},
        "objection": {RESPONSE: "Понимаю, что для Вас важно не переплачивать. Это всего 3 рубля в день. Подключаем?",
                      TRANSITIONS: [Tr(dst="bye", cnd=cnd.Regexp(r"подключ|давайте|согла", flags=I))]},
        "bye": {RESPONSE: "Отлично, спасибо за доверие! Хорошего дня!"},
        "fallback": {RESPONSE: "Не поняла Вас, повторите, пожалуйста."},
    }
}


async def replay(conversations: int) -> Turns:
    pipeline = Pipeline(script=SCRIPT, start_label=("call", "start"), fallback_label=("call", "fallback"))
    latencies: list[float] = []
    clock = time.perf_counter
    began = clock()
    for n in range(conversations):
        for line in CUSTOMER_LINES:
            started = clock()
            await pipeline._run_pipeline(Message(line), ctx_id=f"bench{n}")
            latencies.append(clock() - started)
    return Turns(latencies, clock() - began)


def main() -> None:
    conversations = int(sys.argv[1])
    asyncio.run(replay(max(1, conversations // 10)))  # warm up
    print(json.dumps(asyncio.run(replay(conversations)).figures()))


if __name__ == "__main__":
    main()
