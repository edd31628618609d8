"""Certificates (职称证书 / 职业技能等级证书): issued when a session is finalized, verified by
anyone without login, revoked by the regulator (撤销评审结果)."""
