"""``rule.conflict_not_recused``: a member scored or voted on an application despite an
evident conflict: same department (internal members), the applicant's supervisor, or their
own application."""

from __future__ import annotations

import numpy as np

from audit.dataset import AuditDataset, IntArray
from audit.features import Features
from audit.flags import Flag, SignalInfo
from audit.signals.base import RULE_BANDS, Context, Refs, Signal, rule_flag

INFO = SignalInfo(
    "rule.conflict_not_recused",
    "应回避未回避",
    "evident conflict without recusal",
    "rule",
    "application",
    "high",
)
REASON = "评委{member}与申报{application}存在回避情形（{kinds}），但未回避，仍参与评分或表决"
REASON_EN = (
    "member {member} has an evident conflict with application {application} ({kinds}) but "
    "did not recuse and scored or voted"
)
KIND_ZH = {
    "own_application": "本人申报",
    "supervisor": "申报人的直接上级",
    "same_department": "同部门",
}
KIND_EN = {
    "own_application": "their own application",
    "supervisor": "the applicant's supervisor",
    "same_department": "the same department",
}


def detect(ds: AuditDataset, features: Features, context: Context) -> list[Flag]:
    """Members who scored or voted on an application despite an evident conflict."""
    refs = Refs(ds)
    n_members = len(ds.member_id)

    def conflicted(app: IntArray, member: IntArray) -> IntArray:
        dept = ds.member_department[member]
        person = ds.member_person[member]
        hit = (
            (~ds.member_external[member] & (dept >= 0) & (dept == ds.app_department[app]))
            | (ds.app_supervisor[app] == member)
            | ((person >= 0) & (person == ds.app_person[app]))
        )
        return app[hit] * n_members + member[hit]

    # Scored or voted: one flag per (application, member), whichever they did.
    pairs = np.unique(
        np.concatenate(
            (conflicted(ds.score_app, ds.score_member), conflicted(ds.vote_app, ds.vote_member))
        )
    )
    app, member = pairs // n_members, pairs % n_members
    same_department = (
        ~ds.member_external[member]
        & (ds.member_department[member] >= 0)
        & (ds.member_department[member] == ds.app_department[app])
    )
    supervisor = ds.app_supervisor[app] == member
    own = (ds.member_person[member] >= 0) & (ds.member_person[member] == ds.app_person[app])
    out: list[Flag] = []
    for i in range(len(pairs)):
        a, m = int(app[i]), int(member[i])
        kinds = [
            k
            for k, on in (
                ("own_application", own[i]),
                ("supervisor", supervisor[i]),
                ("same_department", same_department[i]),
            )
            if on
        ]
        member_id = str(ds.member_id[m])
        department = ds.departments[ds.app_department[a]] if ds.app_department[a] >= 0 else None
        out.append(
            rule_flag(
                INFO,
                {**refs.application(a), "member_id": member_id},
                severity="high" if kinds[0] != "same_department" else "medium",
                observed=0.0,
                expected=1.0,
                n=1,
                statistic="recusals",
                statistic_value=0.0,
                records=[refs.record(a), f"member:{member_id}"],
                reason=REASON.format(
                    member=member_id,
                    application=refs.app_ref(a),
                    kinds="、".join(KIND_ZH[k] for k in kinds),
                ),
                reason_en=REASON_EN.format(
                    member=member_id,
                    application=refs.app_ref(a),
                    kinds=", ".join(KIND_EN[k] for k in kinds),
                ),
                details={"conflicts": kinds, "department": department},
            )
        )
    return out


SIGNAL = Signal(INFO, "rules.session_and_identity", RULE_BANDS, REASON, REASON_EN, detect)
