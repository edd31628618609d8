"""Pure domain library for title and skill-level standards.

No web framework, no database, no settings: standard documents, the regulator's
baseline floor, the eligibility engine, title–skill equivalence and the national
identifiers the domain rests on.
"""
