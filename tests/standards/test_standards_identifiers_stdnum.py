"""Our identifier checks agree with python-stdnum where both apply the same rule; where ours
are deliberately wider (letter registration authorities, birth places stdnum does not know),
the difference is pinned."""

from __future__ import annotations

import random
from datetime import date

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from standards.identifiers import (
    CREDIT_CODE_ALPHABET,
    credit_code_check_char,
    credit_code_problem,
    resident_id_check_char,
    resident_id_problem,
)

REGIONS = ["110105", "320602", "320682", "310115", "440305"]


@settings(max_examples=300, deadline=None)
@given(
    region=st.sampled_from(REGIONS),
    born=st.dates(
        min_value=__import__("datetime").date(1930, 1, 1),
        max_value=__import__("datetime").date(2008, 12, 31),
    ),
    seq=st.integers(0, 999),
    check=st.sampled_from("0123456789X"),
)
def test_resident_ids_judged_like_stdnum(region: str, born: date, seq: int, check: str) -> None:
    number = f"{region}{born:%Y%m%d}{seq:03d}{check}"
    # Birth places are stdnum's extra rule (see standards.identifiers): compare the rest.
    try:
        ric.get_birth_place(number)
    except Exception:
        assume(False)
    assert (resident_id_problem(number) is None) == ric.is_valid(number)


def test_resident_id_check_char_matches_stdnum() -> None:
    rng = random.Random(7)
    for _ in range(500):
        body = "".join(rng.choice("0123456789") for _ in range(17))
        assert resident_id_check_char(body) == ric.calc_check_digit(body + "0")


@settings(max_examples=300, deadline=None)
@given(
    authority=st.sampled_from("123456789"),
    kind=st.sampled_from("123456789"),
    region=st.sampled_from(REGIONS),
    rest=st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=10, max_size=10),
)
def test_digit_authority_credit_codes_judged_like_stdnum(
    authority: str, kind: str, region: str, rest: str
) -> None:
    first17 = f"{authority}{kind}{region}{rest[:9]}"
    for last in (credit_code_check_char(first17), rest[9]):
        code = first17 + last
        assert (credit_code_problem(code) is None) == uscc.is_valid(code)


def test_wider_than_stdnum_where_the_standard_is() -> None:
    # GB 32100 lets the registration authority be a letter (N: agriculture); stdnum refuses it.
    first17 = "N2320602MA1XXXXX0"[:17].replace("X", "1")
    code = first17 + credit_code_check_char(first17)
    assert credit_code_problem(code) is None and not uscc.is_valid(code)
    # 469001 is 五指山市 (Hainan); stdnum's birth-place table lacks it.
    body = "46900119880412001"
    number = body + resident_id_check_char(body)
    assert resident_id_problem(number) is None and not ric.is_valid(number)
