"""Excel import and export of the key-unit list (included from units/urls.py, in the `units` namespace)."""

urlpatterns: list = []
