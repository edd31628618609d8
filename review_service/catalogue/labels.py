"""Names of the codes that have none elsewhere. Codes come from the enums and data that define
them (see ``service.py``); a code without a name here fails ``tests/review_service/catalogue``."""

from __future__ import annotations

from audit.features import FEATURE_LABELS

Names = dict[str, tuple[str, str]]

ROLES: Names = {
    "regulator": ("监管员", "Regulator"),
    "enterprise_admin": ("企业人事管理员", "Enterprise HR"),
    "expert": ("评审专家", "Expert"),
    "applicant": ("申报人", "Applicant"),
}
BODY_KINDS: Names = {
    "enterprise": ("自主评审企业", "Enterprise"),
    "industry_committee": ("行业评委会", "Industry committee"),
    "third_party": ("社会化评审机构", "Third-party body"),
}
AUTHORIZATION_STATUSES: Names = {
    "active": ("有效", "Active"),
    "suspended": ("暂停", "Suspended"),
    "revoked": ("已收回", "Revoked"),
}
VERSION_STATUSES: Names = {
    "draft": ("草稿", "Draft"),
    "published": ("已发布", "Published"),
    "retired": ("已停用", "Retired"),
}
STANDARD_KINDS: Names = {
    "standard": ("企业评价标准", "Standard"),
    "baseline": ("基准标准", "Baseline"),
}
RUN_STATUSES: Names = {
    "queued": ("排队中", "Queued"),
    "running": ("运行中", "Running"),
    "finished": ("已完成", "Finished"),
    "failed": ("失败", "Failed"),
}
RUN_SCOPES: Names = {
    "all": ("全部企业", "All enterprises"),
    "cluster": ("产业集群", "Industry cluster"),
    "enterprises": ("指定企业", "Chosen enterprises"),
}
RUN_STAGES: Names = {
    "queued": ("排队", "Queued"),
    "loading": ("读取备案", "Loading filings"),
    "analysing": ("分析", "Analysing"),
    "features": ("计算特征", "Features"),
    "rules.decision": ("规则：决定", "Rules: decisions"),
    "rules.eligibility": ("规则：申报条件", "Rules: eligibility"),
    "rules.session_and_identity": ("规则：评审与身份", "Rules: sessions and identity"),
    "rules.registries": ("规则：社保与学历", "Rules: registries"),
    "statistics.scoring": ("统计：评分", "Statistics: scoring"),
    "statistics.outcomes": ("统计：通过率", "Statistics: outcomes"),
    "detector": ("异常检测", "Detector"),
    "grading": ("质量分级", "Grading"),
    "storing": ("保存结果", "Storing results"),
    "finished": ("完成", "Finished"),
    "failed": ("失败", "Failed"),
}
SEVERITIES: Names = {"high": ("高", "High"), "medium": ("中", "Medium"), "low": ("低", "Low")}
BANDS: Names = {
    "certain": ("确定", "Certain"),
    "alarm": ("警报", "Alarm"),
    "alert": ("提示", "Alert"),
}
FLAG_KINDS: Names = {
    "rule": ("规则", "Rule"),
    "statistic": ("统计", "Statistic"),
    "detector": ("异常检测", "Detector"),
}
FLAG_SCOPES: Names = {
    "application": ("申报", "Application"),
    "member": ("评委", "Panel member"),
    "session": ("评审批次", "Session"),
    "enterprise": ("评审主体", "Review body"),
}
CASE_STATUSES: Names = {
    "open": ("待处理", "Open"),
    "assigned": ("已分派", "Assigned"),
    "confirmed": ("已查实", "Confirmed"),
    "dismissed": ("已排除", "Dismissed"),
}
MEASURE_KINDS: Names = {
    "reminder": ("提醒", "Reminder"),
    "interview": ("约谈", "Interview"),
    "suspension": ("暂停评审", "Suspension"),
    "rectification": ("责令整改", "Rectification"),
    "public_criticism": ("通报批评", "Public criticism"),
    "revocation": ("收回评审权", "Revocation"),
}
MEASURE_STATUSES: Names = {"in_force": ("生效中", "In force"), "lifted": ("已解除", "Lifted")}
SESSION_STATUSES: Names = {
    "draft": ("草稿", "Draft"),
    "open": ("受理申报", "Open"),
    "validating": ("资格校验", "Validating"),
    "reviewing": ("评审打分", "Reviewing"),
    "voting": ("表决", "Voting"),
    "decided": ("已决定", "Decided"),
    "public_notice": ("公示中", "Public notice"),
    "finalized": ("已定案", "Finalized"),
    "filed": ("已备案", "Filed"),
}
APPLICATION_STATUSES: Names = {
    "eligible": ("资格通过", "Eligible"),
    "ineligible": ("资格不符", "Ineligible"),
    "withdrawn": ("已撤回", "Withdrawn"),
}
CONFLICT_KINDS: Names = {
    "relative": ("亲属关系", "Relative"),
    "same_department": ("同一部门", "Same department"),
    "supervisor": ("上下级", "Supervisor"),
    "own_application": ("本人申报", "Own application"),
    "collaborator": ("合作关系", "Collaborator"),
    "other": ("其他", "Other"),
}
CONFLICT_STATUSES: Names = {
    "pending": ("待确认", "Pending"),
    "confirmed": ("已确认回避", "Confirmed"),
    "dismissed": ("已排除", "Dismissed"),
}
CONFLICT_SOURCES: Names = {
    "expert": ("专家声明", "Declared by the expert"),
    "applicant": ("申报人提出", "Raised by the applicant"),
    "admin": ("管理员登记", "Recorded by HR"),
    "detected": ("系统发现", "Detected"),
}
# Relations between an expert and another person that oblige the expert to withdraw.
RELATION_KINDS: Names = {
    "relative": ("近亲属", "Relative"),
    "supervisor": ("直接上级（专家为对方上级）", "Supervisor (the expert is theirs)"),
    "subordinate": ("直接下级（专家为对方下级）", "Subordinate (the expert reports to them)"),
    "collaborator": ("合作关系", "Collaborator"),
    "other": ("其他利害关系", "Other declared interest"),
}
RELATION_SOURCES: Names = {
    "admin": ("人事登记", "Recorded by HR"),
    "expert": ("专家申报", "Declared by the expert"),
    "regulator": ("监管登记", "Recorded by the regulator"),
}
EXPERT_STATUSES: Names = {
    "active": ("在库", "Active"),
    "suspended": ("暂停", "Suspended"),
    "removed": ("已移出", "Removed"),
}
POOL_KINDS: Names = {
    "city": ("市专家库", "City pool"),
    "internal": ("企业内部专家", "Internal experts"),
}
OBJECTION_STATUSES: Names = {
    "open": ("待处理", "Open"),
    "upheld": ("异议成立", "Upheld"),
    "dismissed": ("异议不成立", "Dismissed"),
}
VOTE_CHOICES: Names = {
    "approve": ("同意", "Approve"),
    "reject": ("不同意", "Reject"),
    "abstain": ("弃权", "Abstain"),
}
MEMBER_ROLES: Names = {"chair": ("主任委员", "Chair"), "member": ("委员", "Member")}
FILING_SOURCES: Names = {
    "service": ("本平台评审", "Reviewed on this platform"),
    "api": ("外部主体报送", "Sent by an outside body"),
}
REQUIREMENT_KINDS: Names = {
    "min_education": ("学历要求", "Education"),
    "years_at_previous_level": ("任职年限", "Years at previous level"),
    "years_in_occupation": ("从业年限", "Years in occupation"),
    "prerequisite": ("前置资格", "Prerequisite"),
    "certificates": ("证书（1+N）", "Certificates (1+N)"),
    "appraisals": ("年度考核", "Annual appraisals"),
    "continuing_education": ("继续教育", "Continuing education"),
    "frontline_post": ("一线岗位", "Frontline post"),
    "award": ("获奖/业绩", "Award"),
    "years_at_level": ("持有年限", "Years held"),
}
EQUIVALENCE_SCOPES: Names = {
    "national": ("全国默认", "National default"),
    "cluster": ("产业集群", "Industry cluster"),
    "enterprise": ("企业", "Enterprise"),
}
GRADES: Names = {
    "A": ("A级 · 优秀", "A · good"),
    "B": ("B级 · 良好", "B · fair"),
    "C": ("C级 · 一般", "C · needs rectification"),
    "D": ("D级 · 较差", "D · poor"),
}
# What the detector looked at: the names the audit itself explains its flags with.
DETECTOR_FEATURES: Names = {code: (f.zh, f.en) for code, f in FEATURE_LABELS.items()}
# Event actions are "<subject>.<verb>"; the log names what happened from the two.
EVENT_SUBJECTS: Names = {
    "application": ("申报", "application"),
    "audit_run": ("评后审查", "audit run"),
    "auth": ("登录", "sign-in"),
    "authorization": ("评审权限", "authorisation"),
    "baseline": ("基准标准", "baseline"),
    "case": ("核查案件", "case"),
    "conflict": ("回避", "conflict"),
    "credential": ("报送密钥", "filing key"),
    "decision": ("评审决定", "decision"),
    "demo": ("演示数据", "demo data"),
    "enterprise": ("评审主体", "review body"),
    "equivalence": ("贯通对应表", "equivalence table"),
    "filing": ("备案", "filing"),
    "measure": ("监管措施", "measure"),
    "notice": ("公示", "public notice"),
    "objection": ("异议", "objection"),
    "panel": ("评委会", "panel"),
    "registry": ("登记数据", "registry data"),
    "review_session": ("评审批次", "review session"),
    "score": ("评分", "score sheet"),
    "standard": ("评价标准", "standard"),
    "user": ("人员账号", "user"),
    "vote": ("表决票", "vote"),
    "calendar_day": ("工作日历", "working-day calendar"),
    "certificate": ("证书", "certificate"),
    "credit": ("失信记录", "credit record"),
    "expert": ("专家", "expert"),
    "relation": ("回避关系", "relation"),
    "material": ("申报材料", "application material"),
    "roster": ("申报人员花名册", "applicant roster"),
}
EVENT_VERBS: Names = {
    "add_member": ("增加评委", "member added"),
    "analysing": ("分析", "analysing"),
    "assign": ("分派", "assigned"),
    "cast": ("投出", "cast"),
    "compute": ("计算", "computed"),
    "confirm": ("查实", "confirmed"),
    "confirmed": ("确认", "confirmed"),
    "correct": ("更正", "corrected"),
    "create": ("新建", "created"),
    "create_draft": ("新建草稿", "draft created"),
    "decided": ("进入已决定", "moved to decided"),
    "declare": ("声明", "declared"),
    "delete": ("删除", "deleted"),
    "detect": ("系统发现", "detected"),
    "dismiss": ("排除", "dismissed"),
    "dismissed": ("排除", "dismissed"),
    "file": ("备案", "filed"),
    "finalized": ("定案", "finalized"),
    "finish": ("完成", "finished"),
    "grant": ("授予", "granted"),
    "import": ("导入", "imported"),
    "issue": ("签发", "issued"),
    "lift": ("解除", "lifted"),
    "load": ("载入", "loaded"),
    "load_default": ("载入默认版本", "default loaded"),
    "loading": ("读取备案", "loading"),
    "login": ("登录", "signed in"),
    "login_failed": ("登录失败", "sign-in failed"),
    "logout": ("退出", "signed out"),
    "note": ("备注", "note added"),
    "open": ("开启", "opened"),
    "overturn": ("改判", "overturned"),
    "password_changed": ("修改密码", "password changed"),
    "public_notice": ("进入公示", "moved to public notice"),
    "publish": ("发布", "published"),
    "raise": ("提出", "raised"),
    "receive": ("接收", "received"),
    "refresh": ("续期", "token refreshed"),
    "refresh_reuse_detected": ("发现令牌重放", "token replay detected"),
    "release": ("放行", "released"),
    "remove_member": ("移除评委", "member removed"),
    "retire": ("停用", "retired"),
    "revoke": ("吊销", "revoked"),
    "reviewing": ("进入评审打分", "moved to reviewing"),
    "save": ("保存", "saved"),
    "submit": ("提交", "submitted"),
    "update": ("修改", "updated"),
    "update_draft": ("修改草稿", "draft updated"),
    "upheld": ("成立", "upheld"),
    "validating": ("进入资格校验", "moved to validating"),
    "voting": ("进入表决", "moved to voting"),
    "withdraw": ("撤回", "withdrawn"),
    "withdraw_contributions": ("作废相关评分", "contributions withdrawn"),
    # measures take their kind as verb
    **{k: v for k, v in MEASURE_KINDS.items()},
    "failed": ("失败", "failed"),
    "storing": ("保存结果", "storing"),
    "add": ("添加", "added"),
    "remove": ("移除", "removed"),
    "record": ("记录", "recorded"),
    "accept": ("审核通过", "accepted"),
    "return": ("退回补正", "returned for correction"),
    "replace": ("更换", "replaced"),
    "upload": ("上传", "uploaded"),
    "draw_commit": ("固定抽取种子", "draw seed committed"),
    "draw": ("随机抽取评委", "panel drawn"),
    "seat_accept": ("确认参加", "seat accepted"),
    "seat_decline": ("拒绝参加", "seat declined"),
    "reserve_called": ("递补候补专家", "reserve called in"),
    "active": ("恢复在库", "reinstated"),
    "suspended": ("暂停", "suspended"),
    "removed": ("移出专家库", "removed from the pool"),
    "retract": ("撤销", "retracted"),
}
EVENT_OBJECT_TYPES: Names = {
    "application": ("申报", "application"),
    "demo": ("演示数据", "demo data"),
    "audit_flag": ("疑点", "flag"),
    "audit_run": ("评后审查", "audit run"),
    "authorization": ("评审权限", "authorisation"),
    "case_note": ("案件备注", "case note"),
    "conflict": ("回避", "conflict"),
    "decision": ("评审决定", "decision"),
    "enterprise": ("评审主体", "review body"),
    "equivalence_table_version": ("贯通对应表", "equivalence table"),
    "expert_profile": ("专家信息", "expert profile"),
    "filing": ("备案", "filing"),
    "objection": ("异议", "objection"),
    "panel_member": ("评委", "panel member"),
    "public_notice": ("公示", "public notice"),
    "quality_grade": ("质量等级", "quality grade"),
    "registry_import": ("登记数据导入", "registry import"),
    "review_body_credential": ("报送密钥", "filing key"),
    "review_session": ("评审批次", "review session"),
    "score": ("评分表", "score sheet"),
    "standard_version": ("评价标准", "standard"),
    "supervision_case": ("核查案件", "case"),
    "supervision_measure": ("监管措施", "measure"),
    "user_account": ("人员账号", "user"),
    "vote": ("表决票", "vote"),
    "none": ("—", "—"),
    "roster_entry": ("花名册条目", "roster entry"),
    "certificate": ("证书", "certificate"),
    "material": ("申报材料", "application material"),
    "material_file": ("材料文件", "material file"),
    "credit_record": ("失信记录", "credit record"),
    "calendar_day": ("工作日历", "working-day calendar"),
    "panel_draw": ("评委抽取", "panel draw"),
    "person_relation": ("回避关系", "relation"),
}
