"""Which URL patterns the test run requested (the Zulip habit): a pattern no test reaches fails the run.

The recorder sits last in the test settings' middleware, so a request that LoginRequiredMiddleware turned away
does not count: a pattern is covered only when some test reached its view.
"""

from django.urls import URLPattern, URLResolver, get_resolver

EXERCISED_ROUTES: set[str] = set()
# Django's admin is tested as a whole (tests/test_urls.py) rather than pattern by pattern.
EXEMPT_NAMESPACES = {"admin"}


class RecordRouteMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        EXERCISED_ROUTES.add(request.resolver_match.route)


def all_routes(patterns=None, prefix: str = "") -> list[tuple[str, URLPattern]]:
    """Every endpoint as (route, pattern), with routes spelled as ResolverMatch.route spells them."""
    routes = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in EXEMPT_NAMESPACES:
                continue
            routes.extend(all_routes(entry.url_patterns, prefix + str(entry.pattern)))
        else:
            routes.append((prefix + str(entry.pattern), entry))
    return routes


def unexercised_routes() -> list[str]:
    return sorted(route for route, _ in all_routes() if route not in EXERCISED_ROUTES)
