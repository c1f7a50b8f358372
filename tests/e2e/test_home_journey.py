"""Each demo login's home page, on the demo programme, at the bureau's laptop width and at a phone's: no two cards
overlap, and every card lies inside the viewport's width (nothing to scroll sideways for)."""

import io

import pytest
from django.core.management import call_command

from tests.factories import division

DEMO_LOGINS = ["bureau", "officer", "leader", "member", "expert", "unit"]
VIEWPORTS = [(1366, 768), (390, 844)]
PASSWORD = "Demo-homes-2026"

# Each card's box in page coordinates, named by its heading for the failure message.
CARD_BOXES = """() => [...document.querySelectorAll('.card')].map((card, index) => {
  const box = card.getBoundingClientRect();
  const heading = card.querySelector('h1, h2, h3');
  return {
    name: `#${index} ${heading ? heading.textContent.trim().slice(0, 24) : card.className}`,
    left: box.left + window.scrollX, right: box.right + window.scrollX,
    top: box.top + window.scrollY, bottom: box.bottom + window.scrollY,
  };
})"""


def overlapping(cards: list[dict]) -> list[tuple[str, str]]:
    """The pairs of cards whose boxes share an area (touching edges do not count)."""
    return [
        (a["name"], b["name"])
        for i, a in enumerate(cards)
        for b in cards[i + 1 :]
        if a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]
    ]


@pytest.fixture
def demo(transactional_db, settings):
    division("330100")  # the divisions come from a migration that an earlier transactional test may have flushed
    settings.DEMO_PASSWORD = PASSWORD
    call_command("seed_demo", force=True, stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_no_two_cards_of_any_home_page_overlap_at_desktop_and_phone_widths(demo, live_server, page, login):
    problems = []
    for width, height in VIEWPORTS:
        page.set_viewport_size({"width": width, "height": height})
        for username in DEMO_LOGINS:
            page.context.clear_cookies()
            login(username, PASSWORD)  # staff logins give their authenticator's code too
            page.wait_for_url(live_server.url + "/")
            cards = page.evaluate(CARD_BOXES)
            assert cards, f"{username} at {width} px: no card on the home page"
            for a, b in overlapping(cards):
                problems.append(f"{username} at {width} px: {a} overlaps {b}")
            for card in cards:
                if card["left"] < 0 or card["right"] > width + 0.5:
                    problems.append(f"{username} at {width} px: {card['name']} spans {card['left']}–{card['right']}")
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                problems.append(f"{username} at {width} px: the page is {scroll_width} px wide")
    assert problems == []
