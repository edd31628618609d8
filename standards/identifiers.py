"""National identifiers: unified social credit codes (GB 32100) and resident ID numbers (GB 11643).

Validation returns the first rule that failed, so callers can tell the user which
check did not pass rather than a bare "invalid".

The check characters and the birth date come from ``python-stdnum`` (``stdnum.cn.ric``,
``stdnum.cn.uscc``), which implements the same rules. Two of its checks are not used:
its credit-code format wants digits in positions 1-8, which refuses real codes whose
registration authority is a letter (A, N, Y: GB 32100 allows them); and its resident-ID
birth-place table is incomplete (469001 五指山市 is refused) and would turn away real people.
The messages stay ours, in both languages, naming the rule that failed.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

# GB 32100-2015: 31 characters, the letters I, O, Z, S and V are never used.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_REGISTRATION_AUTHORITIES = "123456789ANY"


@dataclass(frozen=True)
class IdentifierProblem:
    """Why an identifier was refused: a stable code and a message in both languages."""

    code: str
    message: str
    message_en: str


def credit_code_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a credit code."""
    if len(first17) != 17:
        raise ValueError("a credit code's check character needs its first 17 characters")
    return uscc.calc_check_digit(first17)


def credit_code_problem(code: str) -> IdentifierProblem | None:
    """None when ``code`` is a well-formed unified social credit code, else the failed check."""
    if len(code) != 18:
        return IdentifierProblem(
            "credit_code.length",
            f"统一社会信用代码应为18位，实际为{len(code)}位",
            f"a unified social credit code has 18 characters, got {len(code)}",
        )
    bad = [ch for ch in code if ch not in CREDIT_CODE_ALPHABET]
    if bad:
        return IdentifierProblem(
            "credit_code.charset",
            f"统一社会信用代码含有不允许的字符：{''.join(sorted(set(bad)))}（不得使用I、O、Z、S、V及小写字母）",
            f"characters not allowed in a credit code: {''.join(sorted(set(bad)))} "
            "(I, O, Z, S, V and lower case are never used)",
        )
    if code[0] not in _REGISTRATION_AUTHORITIES:
        return IdentifierProblem(
            "credit_code.authority",
            f"第1位登记管理部门代码“{code[0]}”无效",
            f"position 1 (registration authority) '{code[0]}' is not a known authority code",
        )
    if not code[2:8].isdigit():
        return IdentifierProblem(
            "credit_code.region",
            f"第3-8位应为行政区划代码（数字），实际为“{code[2:8]}”",
            f"positions 3-8 must be an administrative region code (digits), got '{code[2:8]}'",
        )
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        return IdentifierProblem(
            "credit_code.check_character",
            f"校验码错误：第18位应为“{expected}”，实际为“{code[17]}”",
            f"check character mismatch: position 18 should be '{expected}', got '{code[17]}'",
        )
    return None


def resident_id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of a resident ID number."""
    if len(first17) != 17:
        raise ValueError("a resident ID's check character needs its first 17 digits")
    # stdnum takes the whole number and ignores its last character.
    return ric.calc_check_digit(first17 + "0")


def normalize_resident_id(number: str) -> str:
    """Strip blanks and upper-case the check character (a lower-case x is common in forms)."""
    return number.strip().upper()


def resident_id_problem(number: str, *, today: date | None = None) -> IdentifierProblem | None:
    """None when ``number`` is a valid 18-character resident ID number, else the failed check."""
    number = normalize_resident_id(number)
    if len(number) != 18:
        return IdentifierProblem(
            "resident_id.length",
            f"公民身份号码应为18位，实际为{len(number)}位",
            f"a resident ID number has 18 characters, got {len(number)}",
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return IdentifierProblem(
            "resident_id.charset",
            "公民身份号码前17位应为数字，第18位为数字或X",
            "the first 17 characters must be digits and the 18th a digit or X",
        )
    try:
        born = ric.get_birth_date(number)
    except ValidationError:
        return IdentifierProblem(
            "resident_id.birth_date",
            f"出生日期码“{number[6:14]}”不是有效日期",
            f"the birth-date field '{number[6:14]}' is not a real date",
        )
    if born > (today or date.today()) or born.year < 1900:
        return IdentifierProblem(
            "resident_id.birth_date",
            f"出生日期码“{number[6:14]}”不在合理范围内",
            f"the birth-date field '{number[6:14]}' is out of range",
        )
    expected = resident_id_check_char(number[:17])
    if number[17] != expected:
        return IdentifierProblem(
            "resident_id.check_digit",
            f"校验码错误：第18位应为“{expected}”，实际为“{number[17]}”",
            f"check digit mismatch: position 18 should be '{expected}', got '{number[17]}'",
        )
    return None


def resident_id_digest(number: str, key: bytes) -> str:
    """Keyed hash (HMAC-SHA256) of a resident ID: the same person matches across filings and
    registries, while nobody without the key can recover or test a guessed number."""
    return hmac.new(key, normalize_resident_id(number).encode(), hashlib.sha256).hexdigest()


def mask_resident_id(number: str) -> str:
    """Display form: region code and last four characters, birth date and sequence hidden."""
    number = normalize_resident_id(number)
    return number[:6] + "*" * 8 + number[-4:]
