from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from units.models import Division, Unit


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "city"]
    list_filter = ["level"]
    search_fields = ["code", "name"]

    def has_add_permission(self, request) -> bool:
        return False  # loaded from the shipped division list only

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "credit_code", "category", "division"]
    list_filter = ["category", "division__city"]
    search_fields = ["name", "credit_code"]
    list_select_related = ["division__city"]
