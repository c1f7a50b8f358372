"""The shared partials every app's pages reuse."""

from django.core.paginator import Paginator
from django.forms import CharField, Form
from django.template.loader import render_to_string
from django.test import RequestFactory


def test_pagination_keeps_filters_and_search_in_its_links():
    request = RequestFactory().get("/units/", {"city": "330100", "q": "实验室", "page": "3"})
    page = Paginator(range(500), 20).page(3)
    html = render_to_string("includes/pagination.html", {"page_obj": page}, request=request)
    assert "?city=330100&amp;q=%E5%AE%9E%E9%AA%8C%E5%AE%A4&amp;page=4" in html
    assert "第 41–60 条，共 500 条" in html
    assert "…" in html  # 25 pages are elided around the current one


def test_one_page_needs_no_pagination():
    request = RequestFactory().get("/units/")
    html = render_to_string("includes/pagination.html", {"page_obj": Paginator(range(5), 20).page(1)}, request=request)
    assert html.strip() == ""


class NameForm(Form):
    name = CharField(label="单位名称", max_length=5, help_text="全称")


def test_form_field_partial_shows_the_error_and_marks_the_field_invalid():
    form = NameForm(data={"name": "太长的单位名称"})
    assert not form.is_valid()
    html = render_to_string("includes/form_field.html", {"field": form["name"]})
    assert 'class="form-control is-invalid"' in html
    assert 'aria-describedby="id_name_helptext"' in html
    assert form.errors["name"][0] in html
    assert "请先修正以下错误" in render_to_string("includes/form_errors.html", {"form": form})
