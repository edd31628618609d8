"""``rule.conflict_not_recused``: a member scored or voted on an application despite an
evident conflict (回避, 人社部令第40号): their own application, a direct line relation with
the applicant either way (直接上下级: the application names its supervisor or subordinate
members, or the member lists whom they supervise), a close relative (近亲属), or an interest the member declared.

Same department alone is no conflict: in enterprise self-review the panel's internal members
usually come from the applicant's department."""

from __future__ import annotations

import numpy as np

from audit.dataset import RELATION_KINDS, AuditDataset, IntArray
from audit.features import Features
from audit.flags import Flag, SignalInfo
from audit.signals.base import RULE_BANDS, Context, Refs, Signal, applicant, rule_flag

INFO = SignalInfo(
    "rule.conflict_not_recused",
    "应回避未回避",
    "evident conflict without recusal",
    "rule",
    "application",
    "high",
)
REASON = (
    "评委{member}与申报{application}（申报人{applicant}）存在回避情形（{kinds}），但未回避，"
    "仍参与了{acts}"
)
REASON_EN = (
    "member {member} has an evident conflict with application {application} (applicant "
    "{applicant}: {kinds}) but did not recuse and took part in {acts}"
)
KINDS = ("own_application", *RELATION_KINDS)
KIND_ZH = {
    "own_application": "本人申报",
    "supervisor": "与申报人为直接上下级",
    "relative": "申报人的近亲属",
    "declared_interest": "评委申报的利害关系",
}
KIND_EN = {
    "own_application": "their own application",
    "supervisor": "direct supervisor or subordinate of the applicant",
    "relative": "a close relative of the applicant",
    "declared_interest": "an interest the member declared",
}


def conflicts(ds: AuditDataset) -> dict[tuple[int, int], set[str]]:
    """(application row, member row) -> the evident conflicts between them."""
    found: dict[tuple[int, int], set[str]] = {}
    for a in np.flatnonzero(ds.app_supervisor >= 0).tolist():
        found.setdefault((a, int(ds.app_supervisor[a])), set()).add("supervisor")
    for a, m, k in zip(
        ds.relation_app.tolist(),
        ds.relation_member.tolist(),
        ds.relation_kind.tolist(),
        strict=True,
    ):
        found.setdefault((a, m), set()).add(RELATION_KINDS[k])
    # Own application: the member's person key is the applicant's, within the session.
    with_person = np.flatnonzero(ds.member_person >= 0)
    if len(with_person):
        index = {
            (int(ds.member_session[m]), int(ds.member_person[m])): int(m)
            for m in with_person.tolist()
        }
        for a in np.flatnonzero(ds.app_person >= 0).tolist():
            m = index.get((int(ds.app_session[a]), int(ds.app_person[a])))
            if m is not None:
                found.setdefault((a, m), set()).add("own_application")
    return found


def detect(ds: AuditDataset, features: Features, context: Context) -> list[Flag]:
    """Members who scored or voted on an application despite an evident conflict."""
    found = conflicts(ds)
    if not found:
        return []
    refs = Refs(ds)
    n_members = max(len(ds.member_id), 1)

    def pairs(app: IntArray, member: IntArray) -> set[int]:
        return set((app * n_members + member).tolist())

    scored = pairs(ds.score_app, ds.score_member)
    voted = pairs(ds.vote_app, ds.vote_member)
    out: list[Flag] = []
    for (a, m), kinds_found in sorted(found.items()):
        key = a * n_members + m
        acts = [act for act, did in (("score", key in scored), ("vote", key in voted)) if did]
        if not acts:
            continue  # recused, or took no part: nothing to flag
        kinds = [k for k in KINDS if k in kinds_found]
        member_id = str(ds.member_id[m])
        values = {"member": member_id, "application": refs.app_ref(a)}
        out.append(
            rule_flag(
                INFO,
                {**refs.application(a), "member_id": member_id},
                observed=0.0,
                expected=1.0,
                n=1,
                statistic="recusals",
                statistic_value=0.0,
                records=[refs.record(a), f"member:{member_id}"],
                reason=REASON.format(
                    **values,
                    applicant=applicant(ds, a),
                    kinds="、".join(KIND_ZH[k] for k in kinds),
                    acts="、".join({"score": "评分", "vote": "表决"}[x] for x in acts),
                ),
                reason_en=REASON_EN.format(
                    **values,
                    applicant=applicant(ds, a, "en"),
                    kinds=", ".join(KIND_EN[k] for k in kinds),
                    acts=" and ".join({"score": "scoring", "vote": "the vote"}[x] for x in acts),
                ),
                details={"conflicts": kinds, "acts": acts},
            )
        )
    return out


SIGNAL = Signal(INFO, "rules.session_and_identity", RULE_BANDS, REASON, REASON_EN, detect)
