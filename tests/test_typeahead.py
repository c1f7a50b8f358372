"""huhang/typeahead.py: the widget renders the current choice only, the response the first matches of a scope."""

import pytest
from django import forms
from django.test import RequestFactory

from huhang.typeahead import TYPEAHEAD_LIMIT, MultipleTypeaheadWidget, TypeaheadWidget, typeahead_response
from teams.models import Team
from tests.factories import TeamFactory


def team_form(queryset, **widget_options):
    class TeamChoiceForm(forms.Form):
        team = forms.ModelChoiceField(
            queryset=queryset, widget=TypeaheadWidget("/teams/search/", placeholder="搜索团队", **widget_options)
        )

    return TeamChoiceForm


@pytest.mark.django_db
def test_the_widget_renders_the_chosen_team_only_with_one_query(django_assert_num_queries):
    teams = [TeamFactory(name=f"护航{number:02d}团队") for number in range(30)]
    form = team_form(Team.objects.all())({"team": teams[7].pk})
    with django_assert_num_queries(1):
        html = str(form["team"])
    assert f'name="team" value="{teams[7].pk}"' in html
    assert 'value="护航07团队"' in html
    assert "护航08团队" not in html
    assert "<option" not in html
    assert 'hx-get="/teams/search/"' in html
    assert 'placeholder="搜索团队"' in html


@pytest.mark.django_db
def test_an_id_outside_the_queryset_is_neither_labelled_nor_accepted():
    inside, outside = TeamFactory(name="西湖团队"), TeamFactory(name="甬江团队")
    form = team_form(Team.objects.filter(pk=inside.pk))({"team": outside.pk})
    assert "甬江团队" not in str(form["team"])
    assert not form.is_valid()
    assert "team" in form.errors
    assert team_form(Team.objects.filter(pk=inside.pk))({"team": inside.pk}).is_valid()


@pytest.mark.django_db
def test_an_extra_choice_is_offered_and_labelled():
    form = team_form(Team.objects.all(), extra_choices=[("none", "未分配")])({"team": "none"})
    html = str(form["team"])
    assert 'data-value="none"' in html
    assert 'value="未分配"' in html


def teams_form(queryset):
    class TeamsChoiceForm(forms.Form):
        teams = forms.ModelMultipleChoiceField(
            queryset=queryset, required=False, widget=MultipleTypeaheadWidget("/teams/search/", placeholder="搜索团队")
        )

    return TeamsChoiceForm


@pytest.mark.django_db
def test_several_choices_render_the_chosen_ones_only_as_ticked_boxes_with_one_query(django_assert_num_queries):
    teams = [TeamFactory(name=f"护航{number:02d}团队") for number in range(30)]
    form = teams_form(Team.objects.all())(initial={"teams": [teams[7].pk, teams[3].pk]})
    with django_assert_num_queries(1):
        html = str(form["teams"])
    assert f'name="teams" value="{teams[7].pk}" checked' in html
    assert f'name="teams" value="{teams[3].pk}" checked' in html
    assert html.index("护航07团队") < html.index("护航03团队")  # in the order chosen
    assert "护航08团队" not in html
    assert "<option" not in html
    assert 'hx-get="/teams/search/"' in html
    assert not form["teams"].is_hidden  # rendered where the form puts it, not among the hidden fields
    form = teams_form(Team.objects.all())({"teams": [teams[7].pk, teams[3].pk]})
    assert form.is_valid()
    assert set(form.cleaned_data["teams"]) == {teams[7], teams[3]}


@pytest.mark.django_db
def test_several_choices_refuse_an_id_outside_the_queryset_and_label_only_those_inside():
    inside, outside = TeamFactory(name="西湖团队"), TeamFactory(name="甬江团队")
    form = teams_form(Team.objects.filter(pk=inside.pk))({"teams": [inside.pk, outside.pk]})
    html = str(form["teams"])
    assert "西湖团队" in html
    assert "甬江团队" not in html
    assert not form.is_valid()
    assert "teams" in form.errors
    none_chosen = teams_form(Team.objects.all())({})
    assert none_chosen.is_valid()
    assert list(none_chosen.cleaned_data["teams"]) == []


@pytest.mark.django_db
def test_the_response_lists_the_first_matches_and_says_there_are_more(rf: RequestFactory):
    for number in range(TYPEAHEAD_LIMIT + 5):
        TeamFactory(name=f"护航{number:02d}团队")
    TeamFactory(name="甬江团队")

    def search(teams, term):
        return teams.filter(name__icontains=term)

    html = typeahead_response(rf.get("/", {"q": "护航"}), Team.objects.order_by("name"), search=search).content.decode()
    assert html.count("data-typeahead-choice") == TYPEAHEAD_LIMIT
    assert "护航00团队" in html
    assert "甬江团队" not in html
    assert 'data-testid="typeahead-more"' in html

    html = typeahead_response(rf.get("/", {"q": "甬江"}), Team.objects.all(), search=search).content.decode()
    assert html.count("data-typeahead-choice") == 1
    assert "typeahead-more" not in html

    html = typeahead_response(rf.get("/", {"q": "无此团队"}), Team.objects.all(), search=search).content.decode()
    assert 'data-testid="typeahead-none"' in html


@pytest.mark.django_db
def test_the_response_searches_only_the_queryset_it_is_given(rf: RequestFactory):
    mine = TeamFactory(name="西湖护航团队")
    TeamFactory(name="甬江护航团队")
    html = typeahead_response(
        rf.get("/", {"q": "护航"}),
        Team.objects.filter(pk=mine.pk),
        search=lambda teams, term: teams.filter(name__icontains=term),
        label=lambda team: f"{team.name}!",
    ).content.decode()
    assert "西湖护航团队!" in html
    assert "甬江" not in html
