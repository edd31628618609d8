"""Pure domain library for title and skill-level standards.

No web framework, no database, no settings: standard documents, the regulator's
baseline floor, the eligibility engine, title–skill equivalence and the national
identifiers the domain rests on.
"""

from standards.baseline import laxities
from standards.decision import Decision, DecisionPart, decide
from standards.document import Criterion, ExceptionalTrack, PanelRules, Standard, parse_standard
from standards.eligibility import Verdict, evaluate
from standards.equivalence import (
    EquivalenceOption,
    EquivalenceRule,
    EquivalenceTable,
    applicable_rules,
    open_levels,
)
from standards.facts import ApplicantFacts, Appraisal, Qualification
from standards.levels import (
    Education,
    Track,
    UnknownLevel,
    comparable_title_rank,
    education_rank,
    is_level,
    level_name,
    level_rank,
)
from standards.panel import PanelMemberFacts, panel_problems
from standards.problems import Laxity, Problem, StandardInvalid
from standards.requirements import HardRequirement, RequirementResult
from standards.scoring import (
    ScoreOutOfRange,
    UnknownCriterion,
    final_score,
    member_total,
    member_totals,
)

__all__ = [
    "ApplicantFacts",
    "Appraisal",
    "Criterion",
    "Decision",
    "DecisionPart",
    "Education",
    "EquivalenceOption",
    "EquivalenceRule",
    "EquivalenceTable",
    "ExceptionalTrack",
    "HardRequirement",
    "Laxity",
    "PanelMemberFacts",
    "PanelRules",
    "Problem",
    "Qualification",
    "RequirementResult",
    "ScoreOutOfRange",
    "Standard",
    "StandardInvalid",
    "Track",
    "UnknownCriterion",
    "UnknownLevel",
    "Verdict",
    "applicable_rules",
    "comparable_title_rank",
    "decide",
    "education_rank",
    "evaluate",
    "final_score",
    "is_level",
    "laxities",
    "level_name",
    "level_rank",
    "member_total",
    "member_totals",
    "open_levels",
    "panel_problems",
    "parse_standard",
]
