"""The client's IP address, as the lockout (and anything else that counts requests per address) must see it.

Behind the bureau's reverse proxy every request comes from the proxy, and the real client is in the
X-Forwarded-For header the proxy appends to. Anyone can send that header, so it is believed only when the request
itself comes from one of the configured proxies (settings.TRUSTED_PROXIES): otherwise REMOTE_ADDR, the TCP peer, is
the client. django-ipware, which django-axes would use, trusts the header by the proxies *named in it* rather than by
the peer that actually connected, which a client can forge; hence this function (settings.AXES_CLIENT_IP_CALLABLE).
"""

from __future__ import annotations

import ipaddress
from functools import cache

from django.conf import settings
from django.http import HttpRequest

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _trusted_networks(proxies: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    # An address ("10.0.0.5") or a network ("10.0.0.0/24"); cached per configured list.
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy.strip())


def _parse(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(address.strip())
    except ValueError:
        return None


def _is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: tuple[IPNetwork, ...]) -> bool:
    return any(address in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR; or, when that is a trusted proxy, the right-most X-Forwarded-For address that is not itself a
    trusted proxy (the left part of the header is whatever the client chose to send, and is never read)."""
    remote_addr = request.META.get("REMOTE_ADDR", "")
    networks = _trusted_networks(tuple(settings.TRUSTED_PROXIES))
    peer = _parse(remote_addr)
    if peer is None or not _is_trusted(peer, networks):
        return remote_addr
    client = str(peer)
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _parse(hop)
        if address is None:
            break  # not written by a proxy of ours: stop at the last hop a trusted proxy vouched for
        client = str(address)
        if not _is_trusted(address, networks):
            break
    return client
