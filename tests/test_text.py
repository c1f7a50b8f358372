"""Names and texts are kept as typed, identifiers folded (huhang/text.py), in every service that stores them.

Official names carry full-width punctuation — 中国（杭州）知识产权保护中心 — and Chinese sentences full-width commas:
NFKC would store (杭州) and "举措,并明确", altering them. Only identifiers are folded to half width.
"""

import datetime

import pytest

from demo.units import credit_code
from huhang.text import clean_text, normalise_identifier
from plans import services as plan_services
from plans.models import PlanEvent
from teams.services import person_save, training_add
from tests.factories import division, ready
from units import services as unit_services
from units.models import Unit

OFFICIAL_NAME = "中国（杭州）知识产权保护中心"
SENTENCE = "请补充服务举措，并明确责任人：（一）专利导航；（二）分析评议。"


def test_clean_text_keeps_what_was_typed_and_tidies_only_white_space():
    assert clean_text(f"\u3000 {OFFICIAL_NAME}  ") == OFFICIAL_NAME
    assert clean_text(SENTENCE) == SENTENCE
    assert clean_text("之江\u3000\u3000实验室 （一期）") == "之江 实验室 （一期）"  # full-width spaces are white space
    assert clean_text("ＡＢＣ１２３") == "ＡＢＣ１２３"
    assert clean_text(None) == ""


def test_clean_text_may_keep_the_lines_of_a_text_area():
    typed = " 第一段，举措一。 \r\n\r\n\r\n\r\n\u3000第二段（续）\u3000 "
    assert clean_text(typed, keep_lines=True) == "第一段，举措一。\n\n第二段（续）"
    assert clean_text(typed) == "第一段，举措一。 第二段（续）"


def test_identifiers_are_folded_to_half_width():
    assert normalise_identifier("\u3000ＩＰ＠ｅｘａｍｐｌｅ．ｃｏｍ ") == "IP@example.com"
    assert normalise_identifier("１３８－１２３４－５６７８") == "138-1234-5678"
    assert normalise_identifier(None) == ""


@pytest.mark.django_db
def test_a_units_name_address_batch_and_basis_are_stored_as_typed():
    unit = unit_services.unit_create(
        actor=None,
        name=f" {OFFICIAL_NAME} ",
        credit_code=credit_code("12", "330106", "MB000001").lower(),
        category=Unit.Category.OTHER,
        division=division("330106"),
        selected_on=datetime.date(2025, 2, 28),
        batch="2025年第一批（补充）",
        basis=SENTENCE,
        address="杭州市西湖区文三路１号（东楼）",
    )
    unit.refresh_from_db()
    assert (unit.name, unit.address) == (OFFICIAL_NAME, "杭州市西湖区文三路１号（东楼）")
    assert unit.credit_code == credit_code("12", "330106", "MB000001")  # the identifier is folded
    event = unit.listing_events.get()
    assert (event.batch, event.reason) == ("2025年第一批（补充）", SENTENCE)

    unit_services.unit_update(
        actor=None, unit=unit, name="中国（浙江）知识产权保护中心", technical_field="知识产权，保护"
    )
    unit.refresh_from_db()
    assert (unit.name, unit.technical_field) == ("中国（浙江）知识产权保护中心", "知识产权，保护")


@pytest.mark.django_db
def test_a_removal_reason_and_a_reselection_basis_are_stored_as_typed(unit):
    unit_services.unit_remove(actor=None, unit=unit, date=datetime.date(2026, 7, 1), reason=SENTENCE)
    unit_services.unit_reselect(
        actor=None, unit=unit, date=datetime.date(2026, 9, 1), basis="经复核，重新列入（第二批）"
    )
    reasons = list(unit.listing_events.order_by("date").values_list("reason", flat=True))
    assert reasons == [SENTENCE, "经复核，重新列入（第二批）"]


@pytest.mark.django_db
def test_a_contacts_name_is_kept_and_its_phone_and_e_mail_folded(unit):
    contact = unit_services.contact_save(
        unit=unit,
        name="欧阳（主任）",
        position="知识产权部（IP）",
        phone="１３８－１２３４－５６７８",
        email="ＩＰ＠example.com",
    )
    contact.refresh_from_db()
    assert (contact.name, contact.position) == ("欧阳（主任）", "知识产权部（IP）")
    assert (contact.phone, contact.email) == ("13812345678", "IP@example.com")


@pytest.mark.django_db
def test_a_plan_return_comment_is_stored_as_typed(unit):
    version = ready(plan_services.plan_start(actor=None, unit=unit))
    plan_services.plan_submit(actor=None, version=version)
    plan_services.plan_return(actor=None, version=version, comment=f" {SENTENCE}\u3000")
    plan_services.plan_submit(actor=None, version=version)
    plan_services.plan_return(actor=None, version=version, comment=f"\u3000{SENTENCE}\n\n\n补充：（三）保护机制。 ")
    events = version.plan.events.filter(action=PlanEvent.Action.RETURNED).order_by("created_at", "pk")
    assert [event.comment for event in events] == [SENTENCE, f"{SENTENCE}\n\n补充：（三）保护机制。"]


@pytest.mark.django_db
def test_a_persons_organisation_is_kept_and_their_phone_and_e_mail_folded():
    person = person_save(
        name="李明",
        kind="protection_centre",
        organisation=OFFICIAL_NAME,
        technical_fields="集成电路，人工智能",
        phone="１３８ １２３４ ５６７８",
        email="ＬＩ＠example.gov.cn",
    )
    person.refresh_from_db()
    assert (person.organisation, person.technical_fields) == (OFFICIAL_NAME, "集成电路，人工智能")
    assert (person.phone, person.email) == ("13812345678", "LI@example.gov.cn")
    training = training_add(person=person, title="专利导航（初级）培训", attended_on=datetime.date(2025, 5, 1))
    assert training.title == "专利导航（初级）培训"


def test_pinyin_initials_read_a_name_as_pypinyin_reads_it_whole():
    # Each word is converted once and remembered (huhang/text.py); a word keeps its reading: 重庆 chong, 银行 hang.
    from pypinyin import Style, lazy_pinyin

    from huhang.text import pinyin_initials

    names = ["重庆长安汽车研究院", "中国银行杭州分行", "长沙行长调度中心", "单于重工", "钱塘实验室（Ａ座）ABC 1号"]
    for name in names * 2:
        whole = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")).lower()
        assert pinyin_initials(name) == "".join(c for c in whole if c.isascii() and c.isalnum())
    assert pinyin_initials("重庆长安汽车研究院").startswith("cq")
