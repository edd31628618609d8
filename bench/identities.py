"""Synthetic but valid national identifiers, generated in bulk with numpy.

Resident ID numbers follow GB 11643 (region, birth date, sequence, check character) and credit
codes GB 32100 (authority, category, region, GB 11714 organisation code, check character); the
check characters are the ones ``standards.identifiers`` verifies, so intake accepts them.
"""

from __future__ import annotations

import numpy as np

from standards.identifiers import (
    CREDIT_CODE_ALPHABET,
    credit_code_check_char,
    mask_resident_id,
    resident_id_digest,
)

# Nantong's county-level divisions (崇川, 通州, 海门, 如东, 启东, 如皋, 海安) and a few
# neighbouring cities, since people move.
NANTONG_REGIONS = ("320602", "320612", "320614", "320623", "320681", "320682", "320685")
OTHER_REGIONS = ("320583", "321281", "320282", "321002", "341226", "412726")

_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_ID_CHECK = np.array(list("10X98765432"))
_ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def resident_ids(
    rng: np.random.Generator, n: int, *, born_from: int = 1966, born_to: int = 2002
) -> list[str]:
    """``n`` distinct valid resident ID numbers of people born between the two years, mostly
    registered in Nantong."""
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        k = int((n - len(out)) * 1.02) + 8
        local = rng.random(k) < 0.85
        region = np.where(
            local,
            np.asarray(NANTONG_REGIONS)[rng.integers(0, len(NANTONG_REGIONS), k)],
            np.asarray(OTHER_REGIONS)[rng.integers(0, len(OTHER_REGIONS), k)],
        )
        start = np.datetime64(f"{born_from}-01-01")
        span = int((np.datetime64(f"{born_to}-12-31") - start).astype(int))
        born = start + rng.integers(0, span, k).astype("timedelta64[D]")
        birth = np.char.replace(np.datetime_as_string(born, unit="D"), "-", "")
        seq = np.char.zfill(rng.integers(0, 1000, k).astype(str), 3)
        first17 = np.char.add(np.char.add(region, birth), seq)
        digits = first17.astype("S17").view(np.uint8).reshape(k, 17).astype(np.int64) - 48
        check = _ID_CHECK[(digits @ _ID_WEIGHTS) % 11]
        for number in np.char.add(first17, check).tolist():
            if number not in seen:
                seen.add(number)
                out.append(number)
                if len(out) == n:
                    break
    return out


def credit_codes(rng: np.random.Generator, n: int, *, category: str = "91") -> list[str]:
    """``n`` distinct valid unified social credit codes registered in Nantong. ``category`` is
    the first two characters: "91" a company, "12" a public institution (a university)."""
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        region = NANTONG_REGIONS[int(rng.integers(0, len(NANTONG_REGIONS)))]
        body = rng.integers(0, len(_ORG_ALPHABET), 8)
        body[:2] = rng.integers(0, 10, 2)  # organisation codes mostly start with digits
        org8 = "".join(_ORG_ALPHABET[i] for i in body)
        # GB 11714: C9 = 11 - sum(weights x values) mod 11; 10 -> X, 11 -> 0. X is not in the
        # credit code alphabet, so such codes are skipped, as issuing authorities do.
        total = int(body @ _ORG_WEIGHTS)
        c9 = 11 - total % 11
        if c9 == 10:
            continue
        first17 = category + region + org8 + ("0" if c9 == 11 else str(c9))
        code = first17 + credit_code_check_char(first17)
        if code not in seen and all(ch in CREDIT_CODE_ALPHABET for ch in code):
            seen.add(code)
            out.append(code)
    return out


def pseudonymise(numbers: list[str], key: bytes) -> tuple[list[str], list[str]]:
    """Person keys (keyed hash) and display masks, as intake stores them."""
    return [resident_id_digest(x, key) for x in numbers], [mask_resident_id(x) for x in numbers]
