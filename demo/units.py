"""The demo programme's key units: 150 made-up units over Zhejiang's 11 cities, as in late 2026.

Where each unit is, what it is called and where its address is follow demo/geography.py: research institutions where
the province has them, a place word of the unit's own county or city in its name, an address on a street.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter

from demo import geography
from units.credit_code import ALPHABET, check_character, organisation_check_character
from units.models import Division, IPProfile, Unit, UnitContact
from units.services import unit_create, unit_remove

TECHNICAL_FIELDS = {
    "智能计算": "人工智能",
    "光电": "光电子",
    "新材料": "新材料",
    "生物医药": "生物医药",
    "集成电路": "集成电路",
    "储能": "新能源",
    "海洋装备": "海洋经济",
    "脑机接口": "人工智能",
    "量子信息": "量子科技",
    "柔性电子": "电子信息",
    "先进制造": "高端装备",
    "绿色化工": "绿色石化",
    "数字安防": "数字经济",
    "智能网联汽车": "汽车及零部件",
    "现代纺织": "现代纺织",
    "氢能": "新能源",
    "工业软件": "数字经济",
    "合成生物": "生物医药",
}
Category = Unit.Category
RESEARCH = (Category.KEY_LAB, Category.TECH_INNOVATION_CENTRE, Category.MANUFACTURING_CENTRE, Category.UNIVERSITY)
# The first two characters of the credit code (GB 32100): 12 a public institution registered by the staffing
# authority, 91 a company registered by market regulation.
REGISTRATION = {category: "12" if category in RESEARCH else "91" for category in Category.values}
NAME_PATTERNS = {
    Category.KEY_LAB: "{place}{field}实验室",
    Category.TECH_INNOVATION_CENTRE: "{place}{field}技术创新中心",
    Category.MANUFACTURING_CENTRE: "{place}{field}制造业创新中心",
    Category.LEADING_ENTERPRISE: "{place}{brand}{field}科技股份有限公司",
    Category.LITTLE_GIANT: "{place}{brand}{field}科技有限公司",
}
# A university is named for its kind, not its field; some kinds fit only some fields.
UNIVERSITY_KINDS = [
    ("理工大学", None),
    ("科技大学", None),
    ("工程学院", None),
    ("医科大学", {"生物医药", "合成生物", "脑机接口"}),
    ("海洋大学", {"海洋装备"}),
]
# Trade names (字号) of the made-up enterprises, one each: no place word of any division and no city's
# one-character name (杭, 甬, 瓯, 禾, 越, 婺, 衢, 舟, 台, 丽).
BRANDS = [
    *("恒远", "华芯", "睿联", "博润", "天承", "科瑞", "鑫辉", "联创", "凯立", "海纳", "德瑞", "启明", "星拓"),
    *("安泰", "中拓", "汇通", "锐思", "智衡", "捷成", "宏晟", "卓芯", "优纳", "普瑞", "恒润", "英锐", "沐光"),
    *("极研", "赛特", "众科", "百川", "新锐", "明德", "鼎信", "华瑞", "诚达", "昊天", "蓝晶", "凌峰", "驰远"),
    *("泽宇", "弘毅", "中晶", "昇阳", "正和", "友联", "瀚海", "聚能", "天科", "博远", "锦程", "晶鼎", "铭创"),
    *("睿达", "华拓", "科润", "恒信", "宏远", "君和", "信达", "瑞丰", "达华", "安捷", "中研", "思源", "恒达"),
    *("天衡", "新维", "明扬", "博翰", "奥德", "九天", "云帆", "星海", "智远", "中恒", "海川", "泰和", "华康"),
    *("立达", "诺和", "瑞科", "恒昌", "益科", "同创", "宏图", "鼎盛", "光辉", "长风", "澄明", "精诚", "致远"),
    *("卓越", "睿智", "易联", "北辰", "东辰", "科维", "凯迪", "汇智", "博纳", "创达", "鸿泰"),
]
CONTACT_POSITIONS = {
    True: ["科研管理处处长", "知识产权办公室主任", "成果转化办公室主任", "知识产权专员"],
    False: ["知识产权部主任", "法务总监", "研发中心主任", "知识产权专员"],
}
# The fields a manufacturing innovation centre is set up for (not "智能计算制造业创新中心").
MANUFACTURING_FIELDS = {
    *("集成电路", "新材料", "智能网联汽车", "储能", "光电", "柔性电子"),
    *("现代纺织", "海洋装备", "氢能", "绿色化工", "生物医药"),
}
RESEARCH_ROADS = ["科创大道", "创新路", "学院路", "文教路", "科技园路", "高新路", "科学大道", "研发路"]
INDUSTRY_ROADS = ["工业大道", "兴业路", "创业路", "振兴路", "发展大道", "腾飞路", "园区路", "新兴路", "开发区大道"]
# Invention patents held when selected, by category: a university holds thousands, a "little giant" dozens.
PATENTS = {
    Category.KEY_LAB: (80, 600),
    Category.TECH_INNOVATION_CENTRE: (50, 400),
    Category.MANUFACTURING_CENTRE: (40, 300),
    Category.UNIVERSITY: (400, 3000),
    Category.LEADING_ENTERPRISE: (150, 1200),
    Category.LITTLE_GIANT: (15, 120),
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "华",
    "慧",
    "建华",
    "晓东",
]
BATCHES = [
    # The programme's notice is dated 2025-03-20; the cities' nominations were approved at the end of that month.
    ("2025年第一批", datetime.date(2025, 3, 31), 100),
    ("2025年第二批", datetime.date(2025, 9, 15), 35),
    ("2026年第一批", datetime.date(2026, 3, 20), 15),
]
REMOVED_ON = datetime.date(2026, 7, 1)
REMOVAL_REASONS = [
    "单位完成重组，并入其他重点单位统一服务。",
    "经复核不再符合重点服务对象遴选条件。",
    "单位申请退出，已由属地知识产权部门接续服务。",
]
# The demo login `unit` speaks for this unit (first of the list, 杭州市钱塘区, served by the `leader`'s team).
DEMO_UNIT_NAME = "钱塘智能计算实验室"
DEMO_UNIT_COUNTY = "330114"


class OutdatedDemo(Exception):
    """The database holds a demo programme laid out by an older seed_demo: updating it in place would double it."""


def credit_code(registration: str, division_code: str, serial: str) -> str:
    """A made-up but valid unified social credit code: authority and category (e.g. 91), division, and an
    organisation code of the 8 characters `serial` and its GB 11714 check character; then the code's own."""
    if len(serial) != 8:
        raise ValueError(f"an organisation code has 8 characters before its check character, not {serial!r}")
    first17 = f"{registration}{division_code}{serial}{organisation_check_character(serial)}"
    return first17 + check_character(first17)


def demo_credit_code(rng: random.Random, registration: str, county: str) -> str:
    # Nine draws, as before the organisation code had its own check character: the rest of the demo stays the same.
    serial = "".join(rng.choice(ALPHABET) for _ in range(9))[:8]
    return credit_code(registration, county, serial)


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def build_units(*, rng: random.Random, actor) -> list[Unit]:
    """Creates the demo units once; on later runs returns the same units unchanged."""
    counties = list(Division.objects.filter(level=Division.Level.COUNTY).select_related("city"))
    plan = _unit_plan(rng, counties)
    existing = {u.credit_code: u for u in Unit.objects.filter(credit_code__in=[p["credit_code"] for p in plan])}
    if not existing and Unit.objects.filter(name=DEMO_UNIT_NAME).exists():
        raise OutdatedDemo
    units = []
    for entry in plan:
        unit = existing.get(entry["credit_code"])
        if unit is None:
            unit = _create_demo_unit(rng, entry, actor)
        units.append(unit)
    return units


def _unit_plan(rng: random.Random, counties: list[Division]) -> list[dict]:
    """Decides every unit's name, category, county, batch — deterministic for a given seed."""
    by_code = {c.code: c for c in counties}
    plan = [
        {
            "name": DEMO_UNIT_NAME,
            "category": Category.KEY_LAB,
            "county": by_code[DEMO_UNIT_COUNTY],
            "field": "智能计算",
            "credit_code": demo_credit_code(rng, REGISTRATION[Category.KEY_LAB], DEMO_UNIT_COUNTY),
        }
    ]
    namer = _Namer(rng, taken={DEMO_UNIT_NAME}, fields={(geography.HANGZHOU, "智能计算")})
    for city, category in _slots(rng):
        county, name, field = namer.unit(category, [c for c in counties if c.city_id == city])
        plan.append(
            {
                "name": name,
                "category": category,
                "county": county,
                "field": field,
                "credit_code": demo_credit_code(rng, REGISTRATION[category], county.code),
            }
        )
    position = 0
    for batch, day, size in BATCHES:
        for entry in plan[position : position + size]:
            entry["batch"], entry["selected_on"] = batch, day
        position += size
    return plan


def _slots(rng: random.Random) -> list[tuple[str, str]]:
    """(city, category) of every unit but the demo unit, in list order: research institutions and leading
    enterprises tend to come in the first batch, the "little giants" later."""
    slots = [
        (city, category)
        for city, categories in geography.UNITS_PER_CITY.items()
        for category, count in categories.items()
        for _ in range(count)
    ]
    slots.remove((geography.HANGZHOU, Category.KEY_LAB))  # the demo unit's
    keys = [rng.random() * (1.6 if category == Category.LITTLE_GIANT else 1.0) for _, category in slots]
    return [slot for _, _, slot in sorted(zip(keys, range(len(slots)), slots, strict=True))]


class _Namer:
    """Places and names the units one by one, spreading them out: a city's units over its industries, a trade name
    per enterprise, a place word per university, the kinds of university in turn."""

    def __init__(self, rng: random.Random, *, taken: set[str], fields: set[tuple[str, str]]) -> None:
        self.rng = rng
        self.taken = taken
        self.fields = Counter(fields)  # (city, field) → units so far
        self.brands = iter(rng.sample(BRANDS, k=len(BRANDS)))
        self.university_places: set[str] = set()
        self.university_kinds: Counter[str] = Counter()

    def unit(self, category: str, counties: list[Division]) -> tuple[Division, str, str]:
        """The county, name and field of the next unit of `category` in the city of `counties`."""
        rng = self.rng
        if category == Category.UNIVERSITY:
            county, place = self.university_seat(counties)
        else:
            county = _county(rng, category, counties)
            place = None
        city = county.city
        fields = geography.CITY_FIELDS[city.code]
        if category == Category.MANUFACTURING_CENTRE:
            fields = [f for f in fields if f in MANUFACTURING_FIELDS]
        while True:
            field = min(fields, key=lambda f: (self.fields[(city.code, f)], rng.random()))
            if category == Category.UNIVERSITY:
                kinds = [k for k, only in UNIVERSITY_KINDS if only is None or field in only]
                kind = min(kinds, key=lambda k: (self.university_kinds[k], rng.random()))
                name = f"{place}{kind}"
            elif category in RESEARCH:
                name = NAME_PATTERNS[category].format(place=self.research_place(county), field=field)
            else:
                # A company is registered under the county-level city or county it is in, or the city for a district.
                registered = geography.place_stem(county.name if county.name[-1] in "市县" else city.name)
                name = NAME_PATTERNS[category].format(place=registered, field=field, brand=next(self.brands))
            if name not in self.taken:
                break
            self.fields[(city.code, field)] += 1  # try the next field
        self.taken.add(name)
        self.fields[(city.code, field)] += 1
        if category == Category.UNIVERSITY:
            self.university_places.add(place)
            self.university_kinds[kind] += 1
        return county, name, field

    def research_place(self, county: Division) -> str:
        """A landmark of the county (most often), of the whole city, or the city's own name."""
        city = county.city
        words = [(w, 3 if code == county.code else 1) for w, code in geography.LANDMARKS.items() if code == county.code]
        words += [(w, 1) for w, code in geography.LANDMARKS.items() if code == city.code]
        words.append((geography.place_stem(city.name), 1))
        return self.rng.choices([w for w, _ in words], weights=[weight for _, weight in words])[0]

    def university_seat(self, counties: list[Division]) -> tuple[Division, str]:
        """A campus county and a landmark no other university is named after (宁波工程学院 and the like, named for
        their city, are real)."""
        allowed = [c for c in counties if c.code in geography.RESEARCH_COUNTIES[Category.UNIVERSITY]]
        seats = [
            (county, word)
            for county in allowed
            for word, code in geography.LANDMARKS.items()
            if code in (county.code, county.city_id)
        ]
        free = [seat for seat in seats if seat[1] not in self.university_places]
        return self.rng.choice(free or seats)


def _county(rng: random.Random, category: str, counties: list[Division]) -> Division:
    if category in RESEARCH:
        places = geography.RESEARCH_COUNTIES[category]
        return rng.choice([c for c in counties if c.code in places])
    # Enterprises: anywhere but the quietest counties; districts and county-level cities more than counties.
    candidates = [c for c in counties if c.code not in geography.QUIET_COUNTIES]
    weights = [geography.ENTERPRISE_WEIGHTS.get(c.code, 1 if c.name.endswith("县") else 2) for c in candidates]
    return rng.choices(candidates, weights=weights)[0]


def _address(rng: random.Random, category: str, county: Division) -> str:
    road = rng.choice(RESEARCH_ROADS if category in RESEARCH else INDUSTRY_ROADS)
    return f"浙江省{county.city.name}{county.name}{road}{rng.randint(1, 999)}号"


def _create_demo_unit(rng: random.Random, entry: dict, actor) -> Unit:
    category = entry["category"]
    unit = unit_create(
        actor=actor,
        name=entry["name"],
        credit_code=entry["credit_code"],
        category=category,
        division=entry["county"],
        technical_field=TECHNICAL_FIELDS[entry["field"]],
        address=_address(rng, category, entry["county"]),
        selected_on=entry["selected_on"],
        batch=entry["batch"],
        basis="经设区市推荐、省知识产权局审核，列入重点服务对象清单。",
    )
    UnitContact.objects.create(
        unit=unit,
        name=person_name(rng),
        position=rng.choice(CONTACT_POSITIONS[category in RESEARCH]),
        phone=f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}",
        email=f"ip{unit.pk}@example.com",
        is_primary=True,
    )
    patents = rng.randint(*PATENTS[category])
    research = category in RESEARCH
    for as_of, growth in ((entry["selected_on"], 1.0), (datetime.date(2026, 6, 30), rng.uniform(1.05, 1.4))):
        IPProfile.objects.get_or_create(
            unit=unit,
            as_of=as_of,
            defaults={
                "invention_patents": round(patents * growth),
                "utility_models": round(patents * (0.15 if research else 0.9) * growth),
                "pct_applications": round(patents * 0.05 * growth),
                "trademarks": rng.randint(0, 12) if research else rng.randint(5, 60),
                "ip_certified": growth > 1.2 or patents > 500,
                "recorded_by": actor,
            },
        )
    if entry["name"] != DEMO_UNIT_NAME and entry["batch"] == "2025年第一批" and rng.random() < 0.03:
        unit_remove(actor=actor, unit=unit, date=REMOVED_ON, reason=rng.choice(REMOVAL_REASONS))
        unit.refresh_from_db()
    return unit
