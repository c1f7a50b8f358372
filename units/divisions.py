"""Zhejiang's administrative divisions, from the list shipped with the portal."""

import csv
from pathlib import Path

from units.models import Division

DIVISIONS_CSV = Path(__file__).resolve().parent / "data" / "zhejiang-divisions.csv"


def load_zhejiang_divisions(division_model) -> int:
    """Creates or updates the 11 cities and their county-level divisions; returns how many rows there are.

    Takes the model as an argument so that the data migration can pass its historical model.
    """
    with DIVISIONS_CSV.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    cities = {}
    for row in rows:
        if row["city_code"] not in cities:
            cities[row["city_code"]], _ = division_model.objects.update_or_create(
                code=row["city_code"], defaults={"name": row["city_name"], "level": "city", "city": None}
            )
    for row in rows:
        division_model.objects.update_or_create(
            code=row["county_code"],
            defaults={"name": row["county_name"], "level": "county", "city": cities[row["city_code"]]},
        )
    return len(cities) + len(rows)


_choices: dict[str, tuple[tuple[str, str], ...]] = {}
_counties: dict[str, tuple[str, ...]] = {}  # a city's code → its counties' codes


def _division_choices(level: str) -> tuple[tuple[str, str], ...]:
    # The divisions come from a data migration and never change while the portal runs: read once per process (and
    # again while there are none, as in a test database a transactional test has flushed).
    if not _choices.get(level):
        divisions = list(Division.objects.filter(level=level).select_related("city").order_by("code"))
        _choices[level] = tuple((division.code, str(division)) for division in divisions)
        if level == Division.Level.COUNTY:
            _counties.clear()
            for division in divisions:
                _counties[division.city_id] = (*_counties.get(division.city_id, ()), division.code)
    return _choices[level]


def city_choices() -> tuple[tuple[str, str], ...]:
    """(code, name) of the 11 cities, for the lists' filters."""
    return _division_choices(Division.Level.CITY)


def county_choices() -> tuple[tuple[str, str], ...]:
    """(code, "city county") of the county-level divisions, for the lists' filters and the unit list's rows."""
    return _division_choices(Division.Level.COUNTY)


def jurisdiction_codes(code: str) -> tuple[str, ...]:
    """The division's code and, for a city, its counties' codes: what lies inside it, as a list an index serves
    (`division_id IN (…)`) where "the division or its city" joined and scanned every unit."""
    county_choices()
    return (code, *_counties.get(code, ()))
