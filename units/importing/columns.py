"""The file's columns and the programme's categories, in the words of the bureau's spreadsheets.

Shared by the import (which understands the senders' variants) and the export and template (which write the first,
canonical name of each).
"""

from dataclasses import dataclass

from units.models import Unit


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # as the template writes it: the bureau's own words, so not translated
    synonyms: tuple[str, ...] = ()
    required: bool = False
    max_length: int | None = None
    width: int = 14  # in the template, in characters


# The file's columns, in the template's order. The Chinese headers are the format of the bureau's spreadsheets.
COLUMNS = (
    Column("seq", "序号", ("编号",), width=6),
    Column("name", "单位名称", ("单位名称（全称）", "单位全称"), required=True, max_length=128, width=36),
    Column("credit_code", "统一社会信用代码", ("信用代码", "社会信用代码"), required=True, width=22),
    Column("category", "类别", ("单位类别", "类型"), required=True, width=24),
    Column("city", "设区市", ("所在设区市", "所在市", "市"), required=True, width=10),
    Column("county", "区县", ("所在区县", "县（市、区）", "所在县（市、区）", "县市区"), required=True, width=12),
    Column("technical_field", "技术领域", ("所属技术领域", "领域"), max_length=64),
    Column("address", "地址", ("单位地址", "通讯地址", "详细地址"), max_length=200, width=36),
    Column("contact_name", "联系人", ("联系人姓名",), max_length=64, width=10),
    Column("phone", "联系电话", ("电话", "手机", "联系人电话", "手机号码")),
    Column("email", "电子邮箱", ("邮箱", "电子邮件", "e-mail", "email"), width=24),
    Column("selected_on", "入选日期", ("入选时间",), width=12),
    Column("batch", "批次", ("入选批次",), max_length=64),
)
COLUMNS_BY_FIELD = {column.field: column for column in COLUMNS}
REQUIRED_FIELDS = [column.field for column in COLUMNS if column.required]

# Categories as the programme's document names them (the first name of each is the one the template offers), and
# the variants senders write.
CATEGORY_NAMES = {
    Unit.Category.KEY_LAB: (
        "全国/省重点实验室",
        "全国重点实验室",
        "国家重点实验室",
        "省重点实验室",
        "省级重点实验室",
        "国家/省重点实验室",
        "全国、省重点实验室",
        "重点实验室",
    ),
    Unit.Category.TECH_INNOVATION_CENTRE: ("技术创新中心", "国家技术创新中心", "省技术创新中心", "省级技术创新中心"),
    Unit.Category.MANUFACTURING_CENTRE: (
        "制造业创新中心",
        "国家制造业创新中心",
        "省制造业创新中心",
        "省级制造业创新中心",
    ),
    Unit.Category.UNIVERSITY: ("科技型高校", "高校", "高等院校", "高等学校", "大学"),
    Unit.Category.LEADING_ENTERPRISE: ("科技领军企业", "领军企业"),
    Unit.Category.LITTLE_GIANT: (
        "专精特新“小巨人”企业",
        "专精特新小巨人企业",
        "专精特新“小巨人”",
        "国家级专精特新“小巨人”企业",
        "小巨人企业",
        "小巨人",
    ),
    Unit.Category.OTHER: ("其他", "其它"),
}
CATEGORY_LABELS = {category: names[0] for category, names in CATEGORY_NAMES.items()}
