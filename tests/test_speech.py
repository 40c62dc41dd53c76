"""Speech modules (scripts_ru/offers, bridges, objections, closings): exact rendered Russian text.

Figures come from the catalog only: the mutation tests copy the content trees, change the catalog and check that
the rendered speech follows.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from engine.content import loader
from engine.content.loader import Content, load_content
from engine.content.speech import Person, Speech
from engine.content.yaml_source import ContentError

TODAY = dt.date(2026, 11, 16)  # November: 30 days, 15 of them left including today
FIRST_OF_MONTH = dt.date(2026, 11, 1)
CLIENT = Person("Елена", "Викторовна", "f")
MALE_CLIENT = Person("Егор", "Петрович", "m")
OPERATOR_F = Person("Анна", gender="f", company="Ростелеком")
OPERATOR_M = Person("Иван", gender="m", company="Ростелеком")
OBJECTIONS = ("objection_price", "objection_need", "objection_have", "objection_time", "think")
CLOSINGS = ("agreed", "thinking", "declined", "not_offered", "check_questions", "call_to_action")
MAX_MESSAGE = 400


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


def render(content: Content, name: str, product_id: str, *, client: Person = CLIENT,
           operator: Person = OPERATOR_F, today: dt.date = TODAY) -> str:
    return content.speech.render(name, **content.speech_context(client, operator, product_id, today))


def messages(content: Content, name: str, product_id: str, **kwargs) -> list[str]:
    return render(content, name, product_id, **kwargs).split("\n\n")


# --- offers: exact text -----------------------------------------------------------------------------------------

def test_antivirus_offer_trial_then_price_per_day(content):
    offer = messages(content, "offers/antivirus.j2", "antivirus")
    assert offer[0].startswith("Елена Викторовна, мы фиксируем увеличение числа хакерских атак на пользователей")
    assert offer[-1] == (
        "Первые 30 дней использования — бесплатно, далее 239 рублей в месяц за Kaspersky Plus и Who Calls "
        "на 3 устройства — всего 8 рублей в день. Подключаем?"
    )


def test_video_surveillance_offer_instalment_in_years_and_price_per_day(content):
    offer = messages(content, "offers/video_surveillance.j2", "video_surveillance")
    assert offer[2] == (
        "И условия выгодные: камера предоставляется в рассрочку на 2 года за 390 рублей в месяц. "
        "Далее камера переходит в Вашу собственность.\n"
        "Получается, Вы можете обеспечить безопасность дома и своего имущества всего за 13 рублей в день."
    )
    assert offer[-1] == "Оформляю камеру для Вас?"


def test_smart_speaker_offer_gives_both_instalments(content):
    offer = messages(content, "offers/smart_speaker.j2", "smart_speaker", client=MALE_CLIENT)
    assert offer[2] == (
        "Колонка доступна в рассрочку на 24 месяца: ежемесячный платёж — 555 рублей, первый взнос — 2 000 рублей.\n"
        "Есть ещё умная колонка «Капсула мини»: первый взнос 2 000 рублей, ежемесячный платёж 555 рублей, "
        "только на 15 месяцев."
    )
    assert offer[-1] == "Егор Петрович, Вам обычную колонку доставить или мини?"


def test_guarantee_plus_offer_without_trial(content):
    offer = messages(content, "offers/guarantee_plus.j2", "guarantee_plus")
    assert offer[-1] == (
        "Я же предлагаю обезопасить 2 устройства и себя от незапланированных трат всего за 3 рубля в день — "
        "90 рублей в месяц.\nДавайте подключим прямо сейчас?"
    )
    assert "— бесплатно" not in render(content, "offers/guarantee_plus.j2", "guarantee_plus")


def test_viju_offer_trial_period(content):
    offer = messages(content, "offers/viju.j2", "viju")
    assert offer[-1] == (
        "Сейчас действует бесплатный период на 14 дней, а после него абонентская плата составит всего "
        "150 рублей в месяц. Готовы подключить?"
    )


def test_start_offer_fixes_the_seed_typo(content):
    text = render(content, "offers/start.j2", "start")
    assert "«Новые содержанки»" in text
    assert "соержанки" not in text
    assert text.startswith("Елена Викторовна, для Вас, как пользователя домашнего ТВ, действует выгодное "
                           "предложение — подписка START всего за 99 рублей в месяц.")


@pytest.mark.parametrize("client", [CLIENT, MALE_CLIENT], ids=["f", "m"])
def test_every_offer_addresses_the_client_ends_with_a_question_and_fits_chat(content, client):
    for product in content.products.values():
        offer = messages(content, product.speech, product.id, client=client)
        assert offer[0].startswith(f"{client.io}, "), product.id
        assert offer[-1].endswith("?"), product.id
        assert all(len(message) <= MAX_MESSAGE for message in offer), product.id
        assert "XX" not in "".join(offer), product.id


# --- bridges ----------------------------------------------------------------------------------------------------

def test_general_bridge_in_both_genders_of_the_operator(content):
    assert render(content, "bridges/general.j2", "books", operator=OPERATOR_F) == \
        "Рада, что смогла помочь решить Ваш вопрос."
    assert render(content, "bridges/general.j2", "books", operator=OPERATOR_M) == \
        "Рад, что смог помочь решить Ваш вопрос."


def test_bridge_adapts_to_the_offer_it_leads_to(content):
    assert render(content, "bridges/virus.j2", "antivirus") == (
        "Вирусы сейчас, к сожалению, встречаются часто. Для обеспечения безопасности, чтобы такое не повторилось, "
        "предлагаю Вам подключить антивирус."
    )
    assert render(content, "bridges/slow_internet.j2", "speed_boost", operator=OPERATOR_M).startswith(
        "Кстати, я проверил параметры Вашего тарифного плана")
    assert render(content, "bridges/balance.j2", "who_calls", operator=OPERATOR_F).startswith(
        "Рада, что мы разобрались, куда ушли деньги")


def test_every_bridge_renders_for_each_of_its_products(content):
    for bridge in content.bridges.values():
        for product_id in bridge.products:
            for operator in (OPERATOR_F, OPERATOR_M):
                assert render(content, bridge.template, product_id, operator=operator).strip(), bridge.topic


# --- objections: В.З.О.Р ----------------------------------------------------------------------------------------

def test_price_objection_divides_by_days_and_counts_the_rest_of_the_month(content):
    answer = messages(content, "objections/objection_price.j2", "start")
    assert answer[0] == "Понимаю, что для Вас важно не переплачивать за услуги."
    assert answer[1] == "Скажите, цена — это единственное, что Вас останавливает?"
    assert answer[2] == (
        "Давайте сравним, что Вы получаете и сколько за это платите. Это качественный и надёжный продукт, "
        "и выгоду Вы получаете сразу:\n"
        "— эксклюзивные сериалы и фильмы;\n"
        "— мультфильмы для детей;\n"
        "— новинки кинопроката.\n"
        "А если подключить сегодня, за этот месяц Вы заплатите только за оставшиеся дни — 50 рублей, "
        "а не 99 рублей."
    )
    assert answer[3] == "И всё это — всего за 3 рубля в день. Как Вы считаете, это выгодно? Подключаем?"


def test_price_objection_on_the_first_of_the_month_has_no_part_month(content):
    answer = render(content, "objections/objection_price.j2", "start", today=FIRST_OF_MONTH)
    assert "оставшиеся дни" not in answer


def test_price_objection_with_a_trial_and_with_an_instalment(content):
    assert messages(content, "objections/objection_price.j2", "antivirus")[2].endswith(
        "\nПервые 30 дней — бесплатно: Вы оцените всё сами, прежде чем платить.")
    assert messages(content, "objections/objection_price.j2", "smart_speaker_mini")[2].endswith(
        "\nЭто рассрочка: платёж удобно распределён на 15 месяцев — по 555 рублей в месяц.")


def test_think_asks_what_to_think_about_and_covers_the_contract_owner(content):
    answer = messages(content, "objections/think.j2", "books")
    assert answer[1] == ("Скажите, пожалуйста, о чём Вы будете думать? Давайте подумаем вместе? "
                         "Если решение принимает владелец договора, подскажу, что ему передать.")
    assert answer[3] == (
        "Итак, Ростелеком Книги: первые 14 дней — бесплатно, а дальше всего 8 рублей в день. "
        "Если решение за владельцем договора, передайте ему, пожалуйста, эти условия: он сможет подключить "
        "услугу, позвонив нам. А если решаете Вы, давайте подключим прямо сейчас?"
    )


def test_time_objection_in_both_genders_of_the_operator(content):
    female = messages(content, "objections/objection_time.j2", "video_surveillance", operator=OPERATOR_F)
    male = messages(content, "objections/objection_time.j2", "video_surveillance", operator=OPERATOR_M)
    assert female[0] == "Понимаю, Ваше время дорого — буду кратка."
    assert male[0] == "Понимаю, Ваше время дорого — буду краток."
    assert male[2] == (
        "Коротко и о том, и о другом: прямая трансляция с камеры на телефон, запись видео с хранением до 7 дней.\n"
        "В рассрочку на 24 месяца — 390 рублей в месяц, это всего 13 рублей в день."
    )
    assert male[3] == \
        "Итак, главное Вы знаете. Остальное я оформлю сам прямо сейчас — это не отнимет у Вас времени. Оформляем?"
    assert female[3] == \
        "Итак, главное Вы знаете. Остальное я оформлю сама прямо сейчас — это не отнимет у Вас времени. Оформляем?"
    assert messages(content, "objections/objection_time.j2", "start", operator=OPERATOR_M)[3] == \
        "Итак, главное Вы знаете. Остальное я оформлю сам прямо сейчас — это не отнимет у Вас времени. Подключаем?"


def test_every_objection_answer_has_the_four_vzor_steps_for_every_product(content):
    assert set(content.objections) == set(OBJECTIONS)
    for objection in content.objections.values():
        for product_id in content.products:
            answer = messages(content, objection.template, product_id)
            assert len(answer) == 4, (objection.id, product_id)
            assert "?" in answer[1], (objection.id, product_id)  # З: a clarifying question
            assert answer[3].endswith("?"), (objection.id, product_id)


# --- closings ---------------------------------------------------------------------------------------------------

def test_agreed_closing_for_a_security_product(content):
    assert messages(content, "closings/agreed.j2", "antivirus", operator=OPERATOR_M) == [
        "Отлично, Елена Викторовна, спасибо за доверие!",
        "Я оформил подключение на Ваше имя: на Ваш мобильный телефон придёт СМС со ссылкой. После перехода по ссылке "
        "нажмите кнопки «Проверить» и «Получить» — и Вы получите описание дальнейших шагов.\n"
        "Первые 30 дней — бесплатно, далее 239 рублей в месяц будут начисляться на Ваш лицевой счёт.",
        "Хорошего дня и приятного пользования!",
    ]


def test_agreed_closing_for_an_instalment(content):
    assert messages(content, "closings/agreed.j2", "smart_speaker", operator=OPERATOR_F)[1] == (
        "Я оформила заказ на Ваше имя: с Вами свяжутся, чтобы согласовать удобное время доставки.\n"
        "Ежемесячный платёж — 555 рублей, срок рассрочки — 24 месяца."
    )


def test_agreed_closing_speaks_to_the_owner_not_about_him(content):
    """Said to Егор Петрович himself: «на Ваше имя», never «на имя Егора Петровича»."""
    text = render(content, "closings/agreed.j2", "ent_package", client=MALE_CLIENT, operator=OPERATOR_F)
    assert "Отлично, Егор Петрович, спасибо за доверие!\n\nЯ оформила заявку на подключение на Ваше имя:" in text
    assert "Егора Петровича" not in text
    assert "подключение на Ваше имя, и уже завтра" in render(content, "closings/agreed.j2", "start")


def test_a_customer_line_follows_the_persona_gender(content):
    """Ольга Николаевна «видела рекламу», Егор Петрович «видел»."""
    she = content.speech.render("client/traps/requested.j2", client=Person("Ольга", "Николаевна", "f"))
    he = content.speech.render("client/traps/requested.j2", client=MALE_CLIENT)
    assert "«Капсула» — видела рекламу." in she and "видел рекламу" not in she
    assert "«Капсула» — видел рекламу." in he


def test_declined_closing_accepts_the_no_at_once(content):
    assert render(content, "closings/declined.j2", "start", operator=OPERATOR_F) == (
        "Хорошо, Елена Викторовна, поняла Вас. Если передумаете, просто позвоните нам — подключим в любой момент."
        "\n\nСпасибо за разговор, всего доброго!"
    )


def test_check_questions_and_call_to_action(content):
    assert render(content, "closings/check_questions.j2", "viju", client=MALE_CLIENT, operator=OPERATOR_M) == (
        "Егор Петрович, какие вопросы у Вас ещё остались? Я достаточно подробно объяснил, "
        "или нужно рассказать что-то ещё?"
    )
    assert render(content, "closings/call_to_action.j2", "viju") == (
        "Отлично! Я могу прямо сейчас оформить подключение, и уже завтра услуга будет Вам предоставлена. "
        "Подключаю услугу?"
    )


def test_not_offered_closing_needs_no_product_and_no_name(content):
    """The engine closes a call without an offer with product=None, and possibly before identification."""
    unnamed = content.speech_context(Person(""), OPERATOR_M, None, TODAY)
    assert content.speech.render("closings/not_offered.j2", **unnamed) == (
        "Рад, что смог Вам помочь. Если появятся вопросы — звоните, мы всегда на связи."
        "\n\nСпасибо, что выбираете Ростелеком! Хорошего дня!"
    )
    named = content.speech_context(CLIENT, OPERATOR_F, None, TODAY)
    assert content.speech.messages("closings/not_offered.j2", **named)[0] == (
        "Елена Викторовна, рада, что смогла Вам помочь. Если появятся вопросы — звоните, мы всегда на связи."
    )


def test_every_closing_exists_and_fits_chat(content):
    for name in CLOSINGS:
        for operator in (OPERATOR_F, OPERATOR_M):
            text = messages(content, f"closings/{name}.j2", "ent_package", operator=operator)
            assert all(0 < len(message) <= MAX_MESSAGE for message in text), name


# --- figures are typed once: in the catalog ---------------------------------------------------------------------

def _edit_products(dialogues: Path, edit) -> None:
    """Apply ``edit(product_mapping)`` to every product in every YAML file of the copied tree."""
    yaml = YAML(typ="rt")
    for path in sorted(dialogues.rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        if "products:" not in text:  # the lexicon's corpora are large, and hold none
            continue
        data = yaml.load(text)
        if isinstance(data, dict) and data.get("products"):
            for product in data["products"]:
                edit(product)
            with path.open("w", encoding="utf-8") as stream:
                yaml.dump(data, stream)


def test_changing_a_price_in_the_catalog_changes_the_speech(content_copy):
    dialogues, scripts = content_copy / "dialogues", content_copy / "scripts_ru"
    _edit_products(dialogues, lambda p: p.update(price_month=120) if p["id"] == "guarantee_plus" else None)
    changed = load_content(dialogues, scripts)
    offer = messages(changed, "offers/guarantee_plus.j2", "guarantee_plus")
    assert offer[-1] == (
        "Я же предлагаю обезопасить 2 устройства и себя от незапланированных трат всего за 4 рубля в день — "
        "120 рублей в месяц.\nДавайте подключим прямо сейчас?"
    )
    assert "90 рублей" not in render(changed, "objections/objection_price.j2", "guarantee_plus")


def test_no_catalog_figure_is_typed_into_any_speech_module(content, content_copy):
    """Give every product odd figures; its offer, objections and closings must show them and never the old ones."""
    old = {pid: p for pid, p in content.products.items() if p.price_month}
    new_price = {pid: 311 + 2 * index for index, pid in enumerate(sorted(old))}

    def edit(product):
        pid = product["id"]
        if pid not in new_price:
            return
        product["price_month"] = new_price[pid]
        if product.get("trial_days"):
            product["trial_days"] = 17
        if product.get("instalment_months"):
            product["instalment_months"] = 11
        if product.get("upfront"):
            product["upfront"] = 3210

    dialogues, scripts = content_copy / "dialogues", content_copy / "scripts_ru"
    _edit_products(dialogues, edit)
    changed = load_content(dialogues, scripts)
    for pid, before in old.items():
        after = changed.products[pid]
        texts = [render(changed, after.speech, pid)]
        texts += [render(changed, objection.template, pid) for objection in changed.objections.values()]
        texts += [render(changed, "closings/agreed.j2", pid)]
        offer = texts[0]
        assert f"{new_price[pid]} рубл" in offer, pid
        everything = "\n".join(texts)
        for figure in {before.price_month, before.upfront}:
            if figure:
                assert not re.search(rf"(?<!\d)(?<!\d ){int(figure):,} рубл".replace(",", " "), everything), \
                    (pid, figure)
        if before.has_trial:
            assert "17 дней" in offer, pid
            assert not re.search(rf"(?<!\d){before.trial_days} д", everything), pid
        if before.instalment_months:
            assert "11 месяцев" in offer, pid


def test_a_clean_speech_check_is_remembered_until_a_byte_changes(content_copy, tmp_path, monkeypatch) -> None:
    """A start-up with the content and code of a passed check skips rendering every module again; an edited module
    is checked again, and a broken template is still reported at its line."""
    monkeypatch.setattr(loader, "SPEECH_CHECKS_DIR", tmp_path / "checks")
    dialogues, scripts = content_copy / "dialogues", content_copy / "scripts_ru"
    checked: list[Path] = []
    check = Speech.check

    def counted(self, *args, **kwargs):
        checked.append(self.root)
        return check(self, *args, **kwargs)

    monkeypatch.setattr(Speech, "check", counted)
    load_content(dialogues, scripts)
    loader._load_content.cache_clear()
    load_content(dialogues, scripts)
    assert len(checked) == 1
    module = scripts / "offers" / "guarantee_plus.j2"
    module.write_text(module.read_text(encoding="utf-8") + "\n{{ product.no_such_field }}\n", encoding="utf-8")
    with pytest.raises(ContentError) as failed:
        load_content(dialogues, scripts)
    assert len(checked) == 2
    assert any(p.file.endswith("offers/guarantee_plus.j2") for p in failed.value.problems)


def test_a_passed_speech_check_holds_until_what_it_reads_changes(content_copy, tmp_path, monkeypatch) -> None:
    """The check reads the modules, the products and which module meets which product: an edited scenario checks
    no module again, a product's changed price does (every module that meets it renders the price)."""
    monkeypatch.setattr(loader, "SPEECH_CHECKS_DIR", tmp_path / "checks")
    checked: list[Path] = []
    monkeypatch.setattr(Speech, "check", lambda self, *args: checked.append(self.root) or [])
    dialogues, scripts = content_copy / "dialogues", content_copy / "scripts_ru"
    load_content(dialogues, scripts)
    scenarios = dialogues / "scenarios" / "slow_internet_easy.yaml"
    scenarios.write_text(scenarios.read_text(encoding="utf-8").replace("опция «+100 Мбит/с»", "опция +100 Мбит/с", 1),
                         encoding="utf-8")
    load_content(dialogues, scripts)
    assert len(checked) == 1
    catalog = dialogues / "catalog.yaml"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace("price_month: 90\n", "price_month: 95\n", 1),
                       encoding="utf-8")
    load_content(dialogues, scripts)
    assert len(checked) == 2
