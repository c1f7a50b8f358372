"""Zhejiang's administrative divisions, from the list shipped with the portal."""

import csv
from pathlib import Path

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
