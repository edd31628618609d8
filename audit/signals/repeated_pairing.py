"""``stat.repeated_pairing``: the same external expert placed by hand on the panels of the
same enterprise again and again. Under random draws an expert's sessions spread over the
city's sessions of the same track; an expert who sits with one enterprise far more often
than that share predicts is a friendly reviewer picked on purpose. Drawn seats are
verifiable and excluded; only filings that say how members were chosen (contract 1.1
``selection``) are judged."""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
from scipy import stats

from audit.dataset import AuditDataset
from audit.features import Features
from audit.flags import Flag, SignalInfo
from audit.signals.base import STAT_BANDS, Context, Refs, Signal, fmt_p, stat_flag
from audit.statistics import band_for

INFO = SignalInfo(
    "stat.repeated_pairing",
    "同一外部专家反复被指定参加同一企业评审",
    "the same external expert picked again and again by one enterprise",
    "statistic",
    "member",
    "medium",
)
REASON = (
    "外单位评委{member}在本企业{n}个{track}评审批次中被指定参加{k}次；按其在全市同类批次中的"
    "参评比例{share:.1%}，随机情况下约{expected:.1f}次（二项检验 p={p}）"
)
REASON_EN = (
    "external member {member} was picked by hand for {k} of this enterprise's {n} {track} "
    "sessions; at their share of the city's sessions of that track ({share:.1%}) about "
    "{expected:.1f} would be expected by chance (binomial p={p})"
)
_MIN_SEATS = 3
_TRACK = {"title": ("职称", "title"), "skill": ("技能等级", "skill-level")}


def detect(ds: AuditDataset, features: Features, context: Context) -> list[Flag]:
    refs = Refs(ds)
    judged = (ds.member_selection != "") & ds.member_external
    if not judged.any():
        return []
    session_track = ds.session_track.astype(str)
    # Sessions that say how their members were chosen, counted city-wide and per enterprise.
    judged_sessions = np.unique(ds.member_session[judged]).tolist()
    city_sessions = Counter(session_track[s] for s in judged_sessions)
    enterprise_sessions = Counter(
        (int(ds.session_enterprise[s]), session_track[s]) for s in judged_sessions
    )
    seats: dict[tuple[str, str], set[int]] = defaultdict(set)
    picked: dict[tuple[str, str, int], list[int]] = defaultdict(list)
    for m in np.flatnonzero(judged).tolist():
        s = int(ds.member_session[m])
        member, track = str(ds.member_id[m]), session_track[s]
        seats[(member, track)].add(s)
        if ds.member_selection[m] == "hand_picked":
            picked[(member, track, int(ds.session_enterprise[s]))].append(m)
    out: list[Flag] = []
    for (member, track, e), rows in sorted(picked.items()):
        k = len({int(ds.member_session[m]) for m in rows})
        if k < _MIN_SEATS:
            continue
        n = enterprise_sessions[(e, track)]
        share = len(seats[(member, track)]) / city_sessions[track]
        if share >= 1.0:
            continue  # the only sessions of the city: nothing to compare with
        p_value = float(stats.binom.sf(k - 1, n, share))
        band = band_for(p_value)
        if band is None:
            continue
        last = max(rows, key=lambda m: int(ds.member_session[m]))
        values = {
            "member": member,
            "k": k,
            "n": n,
            "share": share,
            "expected": n * share,
            "p": fmt_p(p_value),
        }
        test = _Test(band, p_value)
        out.append(
            stat_flag(
                INFO,
                refs.member(last),
                test,
                observed=float(k),
                expected=n * share,
                n=n,
                statistic="hand-picked seats with this enterprise",
                statistic_value=float(k),
                reason=REASON.format(**values, track=_TRACK[track][0]),
                reason_en=REASON_EN.format(**values, track=_TRACK[track][1]),
                details={
                    "sessions": sorted({str(ds.session_ref[ds.member_session[m]]) for m in rows})
                },
            )
        )
    return out


class _Test:
    def __init__(self, band: str, p_value: float) -> None:
        self.band, self.p_value = band, p_value


SIGNAL = Signal(INFO, "statistics.outcomes", STAT_BANDS, REASON, REASON_EN, detect)
