"""Deny by default: every page needs a login unless it is on the public list below."""

import re
import uuid

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.url_coverage import all_routes

# The only pages an anonymous visitor may reach. Adding one here is a security decision: say why.
PUBLIC_ROUTES = {
    "accounts/login/",  # the way in
    "i18n/setlang/",  # the language switch on the login page
    "healthz",  # container and load-balancer probes; reports states only, no data
}

SAMPLE_VALUES = {"int": "1", "uuid": str(uuid.uuid4()), "slug": "x", "str": "x", "path": "x"}


def sample_url(route: str) -> str:
    return "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE_VALUES[m.group(1) or "str"], route)


ROUTES = [route for route, _ in all_routes()]


def test_the_public_list_names_only_existing_routes():
    assert set(ROUTES) >= PUBLIC_ROUTES


@pytest.mark.parametrize("route", sorted(set(ROUTES) - PUBLIC_ROUTES))
@pytest.mark.parametrize("method", ["get", "post"])
def test_private_route_sends_anonymous_visitors_to_the_login_page(client, db, route, method):
    url = sample_url(route)
    response = getattr(client, method)(url)
    assert response.status_code == 302, url
    assert response.url.startswith(reverse("accounts:login") + "?next=")


@pytest.mark.parametrize("route", sorted(PUBLIC_ROUTES))
def test_public_route_answers_anonymous_visitors(client, db, route):
    response = client.get(sample_url(route))
    assert not (response.status_code == 302 and response.url.startswith(reverse("accounts:login")))


def test_admin_is_the_system_administrators_only(client, users):
    assert client.get("/admin/").url.startswith("/admin/login/")
    for role, user in users.items():
        user.is_staff = True  # the flag alone opens nothing: the role does
        user.save()
        client.force_login(user)
        response = client.get("/admin/")
        if role == Role.SYSTEM_ADMIN:
            assert response.status_code == 200
        else:
            assert response.url.startswith("/admin/login/"), role


def test_unknown_page_is_a_chinese_404(client, users):
    client.force_login(users[Role.UNIT_CONTACT])
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.text


def test_security_headers(client, db):
    response = client.get(reverse("accounts:login"))
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
