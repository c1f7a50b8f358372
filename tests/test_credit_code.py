"""The unified social credit code of GB 32100-2015: one normaliser and one validator, checked part by part."""

import pytest
from django.core.exceptions import ValidationError

from demo.units import credit_code
from units.credit_code import (
    CATEGORIES,
    MESSAGES,
    check_character,
    normalise_credit_code,
    organisation_check_character,
    validate_credit_code,
)

# Real codes: python-stdnum's examples (arthurdejong/python-stdnum, tests/test_cn_uscc.doctest and the docstring of
# stdnum/cn/uscc.py) — enterprises (91), a public institution (12), individual businesses (92), old organisation
# codes and new MA… ones, X as the organisation code's check character. All 200 of that file pass; these cover
# each kind.
REAL_CODES = [
    "91110000600037341L",
    "121200004013590816",
    "91110000710926094P",
    "91120224064012553U",
    "9115220107837757XE",
    "9115220107837941X1",
    "91310115MA1K3BTP2B",
    "9131012056010553X5",
    "913304007429141869",
    "91340600MA2PBP2120",
    "91340603MA2UJXXCXF",
    "91620105L015101280",
    "9162010569564942X9",
    "92340602MA2PEL8AXA",
    "92340621MA2UK3PJXE",
    "92340603MA2PBQ16XJ",
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_accepted(code):
    validate_credit_code(code)


@pytest.mark.parametrize(
    "code",
    [
        "12330302FE3HX3464T",  # from the bureau's sample list
        "123303263UE62TW814",
        credit_code("91", "330106", "MA2H0000"),  # made up by the demo's and the tests' generator
    ],
)
def test_the_sample_lists_and_the_generators_codes_are_accepted(code):
    validate_credit_code(code)


@pytest.mark.parametrize("authority", sorted(CATEGORIES))
def test_every_authority_of_the_table_is_accepted_with_each_of_its_categories(authority):
    for category in CATEGORIES[authority]:
        validate_credit_code(credit_code(authority + category, "330106", "MA2H0000"))


@pytest.mark.parametrize(
    "typed",
    [
        "91 330106 PRBJGCUJ46",
        "91-330106-PRBJGCUJ46",
        " 91330106prbjgcuj46 ",
        "９１３３０１０６ＰＲＢＪＧＣＵＪ４６",
        "91\u3000330106—prbjgcuj46",
    ],
)
def test_spaces_hyphens_lower_case_and_full_width_are_normalised_alike(typed):
    assert normalise_credit_code(typed) == "91330106PRBJGCUJ46"
    validate_credit_code(normalise_credit_code(typed))


def _with_check(first17: str) -> str:
    return first17 + check_character(first17)


def _refused(code: str) -> ValidationError:
    with pytest.raises(ValidationError) as error:
        validate_credit_code(code)
    return error.value


@pytest.mark.parametrize(
    ("code", "error_code"),
    [
        ("12330302FE3HX3464", "length"),
        ("12330302FE3HX3464TT", "length"),
        ("12330302FE3HX3464I", "characters"),
        ("12330302fe3hx3464t", "characters"),  # the validator takes normalised codes only
        (_with_check("B1330106MA2H00006"), "authority"),  # B is in the alphabet but no registration authority
        (_with_check("0133010600003734L"), "authority"),
        (_with_check("94330106MA2H00006"), "category"),  # 工商 registers categories 1, 2 and 3 only
        (_with_check("Y2330106MA2H00006"), "category"),  # 其他: category 1 only
        (_with_check("9133A106MA2H00006"), "division"),  # letters where the division code goes
        (_with_check("91MA2H00MA2H00006"), "division"),
        (_with_check("91330106MA2H00005"), "organisation"),  # MA2H0000's own check character is 6
        ("91330106PRBJGCUJ47", "checksum"),
        ("12330302FE3HX3464U", "checksum"),
    ],
)
def test_each_wrong_part_is_refused_with_its_own_code(code, error_code):
    error = _refused(code)
    assert error.code == error_code
    assert error.params["value"] == code


def test_the_organisation_code_has_its_own_check_character():
    """GB 11714: 11 − Σ(character × 3, 7, 9, 10, 5, 8, 4, 2) mod 11, 10 written X and 11 written 0."""
    assert organisation_check_character("MA2H0000") == "6"
    assert organisation_check_character("56010553") == "X"  # 9131012056010553X5
    assert organisation_check_character("60003734") == "1"  # 91110000600037341L
    assert organisation_check_character("L0151012") == "8"  # 91620105L015101280
    assert organisation_check_character("MA2PBP21") == "2"  # 91340600MA2PBP2120


def test_each_failure_has_a_message_of_its_own_naming_what_is_wrong():
    assert len({str(message) for message in MESSAGES.values()}) == len(MESSAGES)
    error = _refused(_with_check("94330106MA2H00006"))
    message = error.messages[0]
    assert _with_check("94330106MA2H00006") in message
    assert "1、2、3" in message  # the categories 工商 registers


def test_the_import_reports_the_validators_message_for_each_failure():
    from units.importing import MESSAGES as IMPORT_MESSAGES

    for code, message in MESSAGES.items():
        assert IMPORT_MESSAGES[f"credit_code_{code}"] is message
