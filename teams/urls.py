from django.urls import path

from teams import login_views, views

app_name = "teams"

urlpatterns = [
    path("", views.TeamListView.as_view(), name="list"),
    path("new/", views.team_create, name="create"),
    path("mine/", views.my_teams, name="mine"),
    path("workload/", views.workload, name="workload"),
    path("search/", views.team_typeahead, name="team_typeahead"),
    path("<int:pk>/", views.team_detail, name="detail"),
    path("<int:pk>/edit/", views.team_edit, name="edit"),
    path("people/", views.PersonListView.as_view(), name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/search/", views.person_typeahead, name="person_typeahead"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/trainings/", views.training_add, name="training_add"),
    path("people/<int:pk>/login/", login_views.person_login_create, name="person_login_create"),
    path("units/assign/", views.assign_units, name="assign_units"),
    path("units/<uuid:uid>/assign/", views.assign_unit, name="assign_unit"),
    path("units/<uuid:uid>/unassign/", views.unassign_unit, name="unassign_unit"),
]
