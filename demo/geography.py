"""Where the demo's units and teams are, so that a Zhejiang official reading the list believes it.

Research institutions (laboratories, innovation centres, universities) sit in the districts and county-level cities
that have such institutions, most of them in Hangzhou and Ningbo; enterprises are spread over the industrial counties
of every city; a unit's name carries a place word of its own county or city; a team serves one or two neighbouring
cities. Divisions are named by their administrative division codes (units/data/zhejiang-divisions.csv).
"""

from __future__ import annotations

from units.models import Unit

Category = Unit.Category
HANGZHOU, NINGBO, WENZHOU, JIAXING, HUZHOU, SHAOXING = "330100", "330200", "330300", "330400", "330500", "330600"
JINHUA, QUZHOU, ZHOUSHAN, TAIZHOU, LISHUI = "330700", "330800", "330900", "331000", "331100"

# How many units of each category each city has (150 in all): the strategic S&T forces are concentrated in
# Hangzhou and Ningbo; Quzhou and Lishui put forward enterprises only.
UNITS_PER_CITY: dict[str, dict[str, int]] = {
    HANGZHOU: {
        Category.KEY_LAB: 12,
        Category.TECH_INNOVATION_CENTRE: 6,
        Category.MANUFACTURING_CENTRE: 4,
        Category.UNIVERSITY: 5,
        Category.LEADING_ENTERPRISE: 10,
        Category.LITTLE_GIANT: 11,
    },
    NINGBO: {
        Category.KEY_LAB: 5,
        Category.TECH_INNOVATION_CENTRE: 3,
        Category.MANUFACTURING_CENTRE: 3,
        Category.UNIVERSITY: 2,
        Category.LEADING_ENTERPRISE: 6,
        Category.LITTLE_GIANT: 7,
    },
    WENZHOU: {
        Category.KEY_LAB: 2,
        Category.TECH_INNOVATION_CENTRE: 1,
        Category.MANUFACTURING_CENTRE: 1,
        Category.UNIVERSITY: 1,
        Category.LEADING_ENTERPRISE: 4,
        Category.LITTLE_GIANT: 5,
    },
    JIAXING: {
        Category.KEY_LAB: 1,
        Category.TECH_INNOVATION_CENTRE: 1,
        Category.MANUFACTURING_CENTRE: 1,
        Category.UNIVERSITY: 1,
        Category.LEADING_ENTERPRISE: 3,
        Category.LITTLE_GIANT: 4,
    },
    SHAOXING: {
        Category.KEY_LAB: 1,
        Category.TECH_INNOVATION_CENTRE: 1,
        Category.MANUFACTURING_CENTRE: 1,
        Category.UNIVERSITY: 1,
        Category.LEADING_ENTERPRISE: 3,
        Category.LITTLE_GIANT: 4,
    },
    JINHUA: {
        Category.KEY_LAB: 1,
        Category.TECH_INNOVATION_CENTRE: 1,
        Category.UNIVERSITY: 1,
        Category.LEADING_ENTERPRISE: 3,
        Category.LITTLE_GIANT: 4,
    },
    HUZHOU: {
        Category.KEY_LAB: 1,
        Category.TECH_INNOVATION_CENTRE: 1,
        Category.UNIVERSITY: 1,
        Category.LEADING_ENTERPRISE: 2,
        Category.LITTLE_GIANT: 3,
    },
    TAIZHOU: {
        Category.TECH_INNOVATION_CENTRE: 1,
        Category.MANUFACTURING_CENTRE: 1,
        Category.UNIVERSITY: 1,
        Category.LEADING_ENTERPRISE: 2,
        Category.LITTLE_GIANT: 4,
    },
    QUZHOU: {Category.LEADING_ENTERPRISE: 1, Category.LITTLE_GIANT: 3},
    ZHOUSHAN: {Category.KEY_LAB: 1, Category.UNIVERSITY: 1, Category.LEADING_ENTERPRISE: 1, Category.LITTLE_GIANT: 1},
    LISHUI: {Category.LEADING_ENTERPRISE: 1, Category.LITTLE_GIANT: 4},
}

# The districts and county-level cities where each kind of research institution is (never a rural county).
RESEARCH_COUNTIES: dict[str, list[str]] = {
    Category.KEY_LAB: [
        *("330106", "330110", "330108", "330114", "330102", "330105", "330109", "330112"),  # Hangzhou
        *("330211", "330212", "330206", "330205"),  # Ningbo
        *("330302", "330304", "330303"),  # Wenzhou
        *("330402", "330411", "330502", "330602", "330603", "330702", "330703", "330902"),
    ],
    Category.TECH_INNOVATION_CENTRE: [
        *("330108", "330110", "330109", "330114", "330106", "330113", "330111"),
        *("330212", "330206", "330211", "330281", "330282"),
        *("330303", "330304", "330382", "330402", "330481", "330502", "330503"),
        *("330603", "330602", "330604", "330702", "330703", "330782", "331002", "331003", "331004"),
    ],
    Category.MANUFACTURING_CENTRE: [
        *("330109", "330114", "330113", "330110", "330111"),
        *("330206", "330212", "330281", "330282", "330205"),
        *("330303", "330381", "330382", "330483", "330482", "330603", "330604", "330681"),
        *("331002", "331081", "331083"),
    ],
    # Where the province's universities have their campuses.
    Category.UNIVERSITY: [
        *("330106", "330114", "330102", "330105", "330112", "330108", "330110"),
        *("330205", "330212", "330203", "330302", "330304", "330402", "330481", "330502"),
        *("330602", "330603", "330702", "330703", "330782", "330902", "331002", "331082"),
    ],
}

# Counties too remote or too small for a key enterprise of the programme.
QUIET_COUNTIES = {
    *("330127", "330305", "330328", "330329", "330727", "330824", "330922", "330921", "331022"),
    *("331123", "331124", "331125", "331126", "331127"),
}

# Where the province's key enterprises cluster (high-tech zones, the big county-level economies), and where few are:
# the weight of a county in drawing an enterprise's place; any other district or county-level city 2, a county 1.
ENTERPRISE_WEIGHTS = {
    **{"330108": 6, "330110": 5, "330109": 4, "330106": 3, "330114": 3, "330182": 1, "330122": 1},  # 杭州
    **{"330212": 4, "330206": 4, "330211": 3, "330282": 3, "330281": 3},  # 宁波
    **{"330303": 3, "330382": 4, "330381": 3, "330383": 1, "330603": 3, "330782": 3, "330784": 3, "331081": 3},
}

# Landmarks used in names, by the division they belong to: a city (anywhere in it) or a county (only there).
LANDMARKS: dict[str, str] = {
    "之江": HANGZHOU,
    "钱塘": "330114",
    "西湖": "330106",
    "良渚": "330110",
    "湘湖": "330109",
    "吴山": "330102",
    "运河": "330105",
    "白马湖": "330108",
    "超山": "330113",
    "天目": "330112",
    "富春": "330111",
    "甬江": NINGBO,
    "四明": "330281",
    "东钱湖": "330212",
    "瓯江": WENZHOU,
    "雁荡": "330382",
    "南湖": "330402",
    "嘉禾": JIAXING,
    "太湖": HUZHOU,
    "鉴湖": SHAOXING,
    "会稽": SHAOXING,
    "曹娥江": "330604",
    "婺江": JINHUA,
    "三衢": QUZHOU,
    "东海": ZHOUSHAN,
    "椒江": "331002",
    "括苍": "331082",
    "处州": LISHUI,
}

# Each city's industries, from which its units' technical fields are drawn.
CITY_FIELDS: dict[str, list[str]] = {
    HANGZHOU: ["智能计算", "集成电路", "生物医药", "数字安防", "工业软件", "脑机接口", "量子信息", "光电", "合成生物"],
    NINGBO: ["新材料", "绿色化工", "先进制造", "集成电路", "智能网联汽车", "海洋装备", "光电", "储能"],
    WENZHOU: ["先进制造", "生物医药", "光电", "储能", "智能网联汽车", "柔性电子"],
    JIAXING: ["柔性电子", "集成电路", "现代纺织", "氢能", "新材料", "绿色化工"],
    HUZHOU: ["储能", "新材料", "生物医药", "先进制造"],
    SHAOXING: ["现代纺织", "集成电路", "生物医药", "绿色化工", "新材料"],
    JINHUA: ["智能网联汽车", "先进制造", "新材料", "储能", "生物医药"],
    QUZHOU: ["绿色化工", "新材料", "氢能", "储能"],
    ZHOUSHAN: ["海洋装备", "绿色化工", "氢能"],
    TAIZHOU: ["生物医药", "智能网联汽车", "先进制造", "海洋装备"],
    LISHUI: ["新材料", "先进制造", "生物医药"],
}

# The land borders between the cities (Zhoushan reaches Ningbo by its bridges).
NEIGHBOURS: dict[str, set[str]] = {
    HANGZHOU: {HUZHOU, JIAXING, SHAOXING, JINHUA, QUZHOU},
    NINGBO: {SHAOXING, TAIZHOU, ZHOUSHAN},
    WENZHOU: {TAIZHOU, LISHUI},
    JIAXING: {HANGZHOU, HUZHOU},
    HUZHOU: {HANGZHOU, JIAXING},
    SHAOXING: {HANGZHOU, NINGBO, JINHUA, TAIZHOU},
    JINHUA: {HANGZHOU, SHAOXING, TAIZHOU, LISHUI, QUZHOU},
    QUZHOU: {HANGZHOU, JINHUA, LISHUI},
    ZHOUSHAN: {NINGBO},
    TAIZHOU: {NINGBO, SHAOXING, JINHUA, LISHUI, WENZHOU},
    LISHUI: {WENZHOU, TAIZHOU, JINHUA, QUZHOU},
}

# The teams' service regions: each team serves the units of one region, one city or two neighbouring ones.
# Hangzhou comes first: team 01 (the demo logins' team) serves Hangzhou.
SERVICE_REGIONS: list[tuple[str, ...]] = [
    (HANGZHOU,),
    (NINGBO, ZHOUSHAN),
    (WENZHOU, LISHUI),
    (JIAXING, HUZHOU),
    (SHAOXING,),
    (JINHUA, QUZHOU),
    (TAIZHOU,),
]

# Public bodies whose staff serve their own city only; everyone else in the pool serves the whole province.
CITY_BODIES: dict[str, str] = {
    "杭州市市场监督管理局": HANGZHOU,
    "宁波市市场监督管理局": NINGBO,
    "温州市市场监督管理局": WENZHOU,
    "中国（杭州）知识产权保护中心": HANGZHOU,
    "中国（宁波）知识产权保护中心": NINGBO,
    "杭州市公安局经侦支队": HANGZHOU,
}


def place_stem(name: str) -> str:
    """A division's name as a place word: 杭州市 → 杭州, 余杭区 → 余杭, 景宁畲族自治县 → 景宁."""
    for suffix in ("畲族自治县", "市", "区", "县"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def region_of(city_code: str) -> int:
    return next(index for index, region in enumerate(SERVICE_REGIONS) if city_code in region)


def teams_per_region(units_per_region: list[int], teams: int) -> list[int]:
    """Shares the teams out in proportion to the units (largest remainder), at least one per region with units."""
    total = sum(units_per_region) or 1
    quotas = [teams * count / total for count in units_per_region]
    shares = [max(int(quota), 1 if count else 0) for quota, count in zip(quotas, units_per_region, strict=True)]
    by_remainder = sorted(range(len(quotas)), key=lambda i: quotas[i] - int(quotas[i]), reverse=True)
    for index in by_remainder:
        if sum(shares) >= teams:
            break
        if units_per_region[index]:
            shares[index] += 1
    return shares
