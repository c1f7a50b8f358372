"""The scale data's key units: (factor - 1) × 150 more, in the counties of every city but Hangzhou, so that the demo
officer (杭州市) keeps the units of their city; each with a primary contact (a third with a second one) and its
login, two IP profile snapshots and its listing event, a few removed (调出) in July 2026."""

from __future__ import annotations

import datetime
import itertools

from django.contrib.auth.hashers import make_password

from accounts.models import Role, User
from demo import geography
from demo.scale.base import USERNAME_PREFIX, Scale, ScaleUnit, at, insert, new_uid
from demo.units import (
    CONTACT_POSITIONS,
    PATENTS,
    REGISTRATION,
    REMOVAL_REASONS,
    REMOVED_ON,
    RESEARCH,
    TECHNICAL_FIELDS,
    credit_code,
    person_name,
)
from units.credit_code import ALPHABET
from units.models import Division, IPProfile, ListingEvent, Unit, UnitContact
from units.services import fill_search_fields

Category = Unit.Category
# The demo's mix over the whole province (demo/geography.UNITS_PER_CITY), in round figures.
CATEGORY_WEIGHTS = {
    Category.KEY_LAB: 15,
    Category.TECH_INNOVATION_CENTRE: 9,
    Category.MANUFACTURING_CENTRE: 8,
    Category.UNIVERSITY: 7,
    Category.LEADING_ENTERPRISE: 28,
    Category.LITTLE_GIANT: 33,
}
# The selection batches as at 1× (demo/units.BATCHES): 100, 35 and 15 of every 150.
BATCHES = [
    ("2025年第一批", datetime.date(2025, 3, 31), 100),
    ("2025年第二批", datetime.date(2025, 9, 15), 35),
    ("2026年第一批", datetime.date(2026, 3, 20), 15),
]
REMOVED_SHARE = 0.03  # of the first batch, as the demo
SECOND_CONTACT_SHARE = 0.3
# Two characters of a made-up trade name (字号): 40 × 39 pairs, never a city's one-character name.
BRAND_CHARS = "恒远华芯睿联博润天承科瑞鑫辉创凯立海纳德启明星拓安泰中汇通锐思智衡捷成宏晟卓优普英"
SUFFIXES = {
    Category.KEY_LAB: "实验室",
    Category.TECH_INNOVATION_CENTRE: "技术创新中心",
    Category.MANUFACTURING_CENTRE: "制造业创新中心",
    Category.UNIVERSITY: "研究院",
    Category.LEADING_ENTERPRISE: "科技股份有限公司",
    Category.LITTLE_GIANT: "科技有限公司",
}
BASIS = "经设区市推荐、省知识产权局审核，列入重点服务对象清单。"


def build_units(scale: Scale) -> None:
    rng = scale.rng("units")
    counties = list(
        Division.objects.filter(level=Division.Level.COUNTY)
        .exclude(city_id=geography.HANGZHOU)
        .select_related("city")
        .order_by("code")
    )
    weights = [geography.ENTERPRISE_WEIGHTS.get(c.code, 1 if c.name.endswith("县") else 2) for c in counties]
    taken_names = set(Unit.objects.values_list("name", flat=True))
    taken_codes = set(Unit.objects.values_list("credit_code", flat=True))
    brands = ["".join(pair) for pair in itertools.permutations(BRAND_CHARS, 2)]
    batches = [(batch, day) for batch, day, size in BATCHES for _ in range(size)]
    units, plan = [], []
    for index in range(scale.new_units):
        category = rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()))[0]
        county = rng.choices(counties, weights=weights)[0]
        field = rng.choice(geography.CITY_FIELDS[county.city_id])
        place = geography.place_stem(county.name if county.name[-1] in "市县" else county.city.name)
        name = f"{place}{field}{SUFFIXES[category]}"
        while name in taken_names or (category not in RESEARCH and name == f"{place}{field}{SUFFIXES[category]}"):
            name = f"{place}{rng.choice(brands)}{field}{SUFFIXES[category]}"
        taken_names.add(name)
        code = _credit_code(rng, REGISTRATION[category], county.code, taken_codes)
        batch, selected_on = batches[index % len(batches)]
        road = rng.choice(
            ["科创大道", "创新路", "学院路"] if category in RESEARCH else ["工业大道", "兴业路", "园区路"]
        )
        moment = at(rng, selected_on)
        units.append(
            Unit(
                uid=new_uid(rng),
                name=name,
                credit_code=code,
                category=category,
                division=county,
                technical_field=TECHNICAL_FIELDS[field],
                address=f"浙江省{county.city.name}{county.name}{road}{rng.randint(1, 999)}号",
                is_listed=True,
                created_at=moment,
                updated_at=moment,
            )
        )
        removed = batch == BATCHES[0][0] and rng.random() < REMOVED_SHARE
        plan.append((county, field, batch, selected_on, removed))
    fill_search_fields(units)  # the name's pinyin initials and search document, as the services fill them
    units = insert(Unit, units)
    for unit, (county, field, _batch, selected_on, removed) in zip(units, plan, strict=True):
        scale.units.append(
            ScaleUnit(
                pk=unit.pk,
                name=unit.name,
                county=county.code,
                city=county.city_id,
                category=unit.category,
                field=field,
                selected_on=selected_on,
                removed_on=REMOVED_ON if removed else None,
            )
        )
    _listing(scale, rng, units, plan)
    _contacts(scale, rng, units)
    _profiles(scale, rng)
    scale.report(f"  units: {len(units)}")


def _credit_code(rng, registration: str, county: str, taken: set[str]) -> str:
    while True:
        code = credit_code(registration, county, "".join(rng.choice(ALPHABET) for _ in range(8)))
        if code not in taken:
            taken.add(code)
            return code


def _listing(scale: Scale, rng, units: list[Unit], plan: list[tuple]) -> None:
    events, removed_pks = [], []
    for unit, (_county, _field, batch, selected_on, removed) in zip(units, plan, strict=True):
        moment = at(rng, selected_on)
        events.append(
            ListingEvent(
                unit=unit,
                kind=ListingEvent.Kind.SELECTED,
                date=selected_on,
                batch=batch,
                reason=BASIS,
                recorded_by_id=scale.bureau_id,
                created_at=moment,
                updated_at=moment,
            )
        )
        if removed:
            moment = at(rng, REMOVED_ON)
            events.append(
                ListingEvent(
                    unit=unit,
                    kind=ListingEvent.Kind.REMOVED,
                    date=REMOVED_ON,
                    reason=rng.choice(REMOVAL_REASONS),
                    recorded_by_id=scale.bureau_id,
                    created_at=moment,
                    updated_at=moment,
                )
            )
            removed_pks.append(unit.pk)
    insert(ListingEvent, events)
    # The cached flag follows the latest event, as units.services.unit_remove keeps it.
    Unit.objects.filter(pk__in=removed_pks).update(is_listed=False)


def _contacts(scale: Scale, rng, units: list[Unit]) -> None:
    contacts = []
    for index, (unit, entry) in enumerate(zip(units, scale.units, strict=True)):
        moment = at(rng, entry.selected_on)
        research = entry.category in RESEARCH
        for primary in (True, False):
            if not primary and rng.random() >= SECOND_CONTACT_SHARE:
                continue
            contacts.append(
                UnitContact(
                    unit=unit,
                    name=person_name(rng),
                    position=rng.choice(CONTACT_POSITIONS[research]),
                    phone=f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}",
                    email=f"ip{index}{'' if primary else 'b'}@example.com",
                    is_primary=primary,
                    created_at=moment,
                    updated_at=moment,
                )
            )
    contacts = insert(UnitContact, contacts)
    by_unit = {c.unit_id: c for c in contacts if c.is_primary}
    # Each primary contact has a login (a unit contact's scope is their unit): it raises requests and gives
    # feedback. No password: nobody signs in as them.
    password = make_password(None)
    users = []
    for index, entry in enumerate(scale.units):
        contact = by_unit[entry.pk]
        users.append(
            User(
                username=f"{USERNAME_PREFIX}c{index:05d}",
                full_name=contact.name,
                email=contact.email,
                role=Role.UNIT_CONTACT,
                unit_id=entry.pk,
                contact=contact,
                password=password,
                is_active=True,
                date_joined=contact.created_at,
            )
        )
    users = User.objects.bulk_create(users, batch_size=2000)
    for entry, user in zip(scale.units, users, strict=True):
        entry.contact_id, entry.contact_user_id = user.contact_id, user.pk


def _profiles(scale: Scale, rng) -> None:
    profiles = []
    for entry in scale.units:
        patents = rng.randint(*PATENTS[entry.category])
        research = entry.category in RESEARCH
        for as_of, growth in ((entry.selected_on, 1.0), (datetime.date(2026, 6, 30), rng.uniform(1.05, 1.4))):
            moment = at(rng, as_of)
            profiles.append(
                IPProfile(
                    unit_id=entry.pk,
                    as_of=as_of,
                    invention_patents=round(patents * growth),
                    utility_models=round(patents * (0.15 if research else 0.9) * growth),
                    pct_applications=round(patents * 0.05 * growth),
                    trademarks=rng.randint(0, 12) if research else rng.randint(5, 60),
                    ip_certified=growth > 1.2 or patents > 500,
                    recorded_by_id=scale.bureau_id,
                    created_at=moment,
                    updated_at=moment,
                )
            )
    profiles = insert(IPProfile, profiles)
    first = {}
    for profile in profiles:
        first.setdefault(profile.unit_id, profile.pk)
    for entry in scale.units:
        entry.profile_id = first[entry.pk]
