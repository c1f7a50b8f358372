"""The plan's PDF and the expert suggestions (included from plans/urls.py, in the `plans` namespace)."""

urlpatterns: list = []
