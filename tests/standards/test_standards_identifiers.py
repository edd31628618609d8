from datetime import date

import pytest

from standards.identifiers import (
    credit_code_check_char,
    credit_code_problem,
    mask_resident_id,
    normalize_resident_id,
    resident_id_check_char,
    resident_id_digest,
    resident_id_problem,
)

VALID_CREDIT_CODES = ["91320600MA1NTCB01J", "91320600MA1NTFX02H"]
# The GB 11643 standard's own example number.
VALID_RESIDENT_ID = "11010519491231002X"


@pytest.mark.parametrize("code", VALID_CREDIT_CODES)
def test_valid_credit_codes(code):
    assert credit_code_problem(code) is None
    assert credit_code_check_char(code[:17]) == code[17]


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("91320600MA1NTCB01", "credit_code.length"),
        ("91320600MA1NTCBO1J", "credit_code.charset"),
        ("91320600ma1ntcb01j", "credit_code.charset"),
        ("B1320600MA1NTCB01J", "credit_code.authority"),
        ("9132A600MA1NTCB01J", "credit_code.region"),
        ("91320600MA1NTCB01K", "credit_code.check_character"),
    ],
)
def test_each_failing_credit_code_check(code, problem):
    found = credit_code_problem(code)
    assert found is not None and found.code == problem
    assert found.message and found.message_en


def test_valid_resident_id_and_lower_case_x():
    assert resident_id_problem(VALID_RESIDENT_ID) is None
    assert resident_id_problem(VALID_RESIDENT_ID.lower()) is None
    assert resident_id_check_char(VALID_RESIDENT_ID[:17]) == "X"
    assert normalize_resident_id(" 11010519491231002x ") == VALID_RESIDENT_ID


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("1101051949123100", "resident_id.length"),
        ("1101051949123100AX", "resident_id.charset"),
        ("110105194913310028", "resident_id.birth_date"),
        ("110105189912310021", "resident_id.birth_date"),
        ("110105194912310021", "resident_id.check_digit"),
    ],
)
def test_each_failing_resident_id_check(number, problem):
    found = resident_id_problem(number, today=date(2025, 6, 1))
    assert found is not None and found.code == problem


def test_future_birth_date_is_refused():
    number17 = "32060220300101001"
    number = number17 + resident_id_check_char(number17)
    found = resident_id_problem(number, today=date(2025, 6, 1))
    assert found is not None and found.code == "resident_id.birth_date"


def test_digest_is_keyed_and_normalised():
    a = resident_id_digest(VALID_RESIDENT_ID, b"key-1")
    assert a == resident_id_digest(VALID_RESIDENT_ID.lower(), b"key-1")
    assert a != resident_id_digest(VALID_RESIDENT_ID, b"key-2")
    assert VALID_RESIDENT_ID not in a


def test_mask_hides_birth_date_and_sequence():
    assert mask_resident_id(VALID_RESIDENT_ID) == "110105********002X"
