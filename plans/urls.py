from django.urls import include, path

app_name = "plans"

urlpatterns = [
    path("", include("plans.extra_urls")),
]
