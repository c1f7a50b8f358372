"""The portal's URL map and the two references, which exist only under the bench's settings."""

from django.urls import path

from bench.reference import floor, reference_admin
from huhang.urls import urlpatterns as portal_urlpatterns

urlpatterns = [
    path("bench/admin/", reference_admin.urls),
    path("bench/floor/", floor, name="bench_floor"),
    *portal_urlpatterns,
]
