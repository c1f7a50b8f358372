"""huhang/search.py: the bigram document finds what a substring search finds, served by an index on PostgreSQL."""

import pytest
from django.db import connection

from huhang.search import bigram_document, bigram_filter, term_bigrams
from tests.factories import UnitFactory
from units.models import Unit

NAMES = ["钱塘智能计算实验室", "中国（杭州）知识产权保护中心", "之江科技创新中心", "浙江OpenAI研究院", "科技"]


def test_a_document_holds_the_overlapping_pairs_and_latin_words_whole():
    assert bigram_document("之江科技", "ABC12") == "之江 江科 科技 ab bc c1 12 abc12"


def test_a_document_folds_full_width_and_case_and_drops_repeats():
    assert bigram_document("ＡＢ（杭州）", "ab") == "ab b( (杭 杭州 州)"
    assert bigram_document("科 技") == "科 技"  # a lone character is kept, so a one-character search finds it
    assert bigram_document("", "") == ""


def test_the_terms_pairs_are_taken_per_word():
    assert term_bigrams("科技创新") == ["科技", "技创", "创新"]
    assert term_bigrams(" 杭州  科技 ") == ["杭州", "科技"]
    assert term_bigrams("科") == []


@pytest.mark.django_db
def test_every_substring_of_two_characters_or_more_is_found():
    units = {name: UnitFactory(name=name, search_document=bigram_document(name)) for name in NAMES}
    for name in NAMES:
        for start in range(len(name)):
            for end in range(start + 2, len(name) + 1):
                term = name[start:end]
                found = set(bigram_filter(Unit.objects.all(), term))
                assert units[name] in found, term
                # The document finds a superset of the substring search, never less.
                assert found >= set(Unit.objects.filter(name__icontains=term)), term


@pytest.mark.django_db
def test_a_one_character_term_and_a_term_in_another_width_or_case():
    lab = UnitFactory(name="浙江OpenAI研究院", search_document=bigram_document("浙江OpenAI研究院"))
    UnitFactory(name="之江实验室", search_document=bigram_document("之江实验室"))
    assert list(bigram_filter(Unit.objects.all(), "研")) == [lab]
    assert list(bigram_filter(Unit.objects.all(), "ｏｐｅｎａｉ")) == [lab]


@pytest.mark.django_db
def test_the_filter_keeps_the_querysets_scope():
    inside = UnitFactory(name="之江科技园", search_document=bigram_document("之江科技园"))
    UnitFactory(name="钱塘科技园", search_document=bigram_document("钱塘科技园"))
    assert list(bigram_filter(Unit.objects.filter(pk=inside.pk), "科技")) == [inside]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_a_two_character_search_is_an_index_scan_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # on a table this small the planner would rather scan
        plan = bigram_filter(Unit.objects.order_by(), "科技").explain()  # no order: the name index is no option
    assert "unit_search_document" in plan, plan
    assert "Bitmap Index Scan" in plan, plan
