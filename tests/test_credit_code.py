import pytest
from django.core.exceptions import ValidationError

from units.credit_code import check_character, validate_credit_code


@pytest.mark.parametrize(
    "code",
    [
        "91330000MA27U5QD6" + check_character("91330000MA27U5QD6"),  # made up, check character computed
        "12330302FE3HX3464T",  # from the bureau's sample list
        "123303263UE62TW814",
    ],
)
def test_valid_codes_pass(code):
    validate_credit_code(code)


@pytest.mark.parametrize(
    ("code", "error_code"),
    [
        ("12330302FE3HX3464", "length"),
        ("12330302FE3HX3464TT", "length"),
        ("12330302FE3HX3464U", "checksum"),
        ("12330302FE3HX3464I", "characters"),
        ("12330302fe3hx3464t", "characters"),
    ],
)
def test_invalid_codes_are_refused_with_the_reason(code, error_code):
    with pytest.raises(ValidationError) as error:
        validate_credit_code(code)
    assert error.value.code == error_code
