"""The review workflow: sessions, panels, conflicts, applications, scores, votes, decisions,
public notice, objections and filing."""
