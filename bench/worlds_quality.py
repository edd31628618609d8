"""How well the audit does in each benchmark world (``bench.worlds``), and in the worst one.

    python -m bench.worlds_quality [--bodies 300] [--seed 0] [--world NAME ...] [--json PATH]

Per world: generate the city, run the audit the way the service does (stored documents,
registry extracts, earlier periods, default baselines), and report

- rule signals: recall and flag-level precision per rule signal, counting every flag of it,
  on honest bodies too (a rule signal that fires where nothing was planted has precision 0);
- enterprise ROC AUC of the risk score, over all manipulated bodies and over the bodies with
  statistical manipulations only (against all honest bodies);
- a plain IsolationForest over per-application features (``bench.quality``), averaged per
  body: its AUC both ways, and the audit's margin over it;
- honest bodies graded C or D (and among the honest-but-odd ones);
- precision in the top k by risk, k = the number of manipulated bodies (ties broken against
  the audit).

The worst world is, per figure, the worst value over the worlds. Targets (issue 8) are
printed with each figure.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from typing import Any

import numpy as np

from bench.labels import score_flags
from bench.worlds import WORLDS, World, build_world

RULE_TARGET = 0.95
AUC_ALL_TARGET = 0.95
AUC_STAT_TARGET = 0.90
AUC_MARGIN = 0.20
HONEST_CD_TARGET = 0.05
TOP_K_TARGET = 0.80


def _get(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name)


def audit_world(world: World) -> Any:
    from audit.dataset import AuditDataset
    from bench import harness

    dataset = AuditDataset.from_documents(world.documents)
    return harness.run(
        dataset,
        registries=harness.registries(world.employment, world.education),
        history=harness.history(world.history),
    )


def _auc(scores: dict[str, float], truth: dict[str, bool], keys: list[str]) -> float | None:
    from sklearn.metrics import roc_auc_score

    y = [truth[k] for k in keys]
    if all(y) or not any(y):
        return None
    return float(roc_auc_score(y, [scores.get(k, 0.0) for k in keys]))


def top_k_precision(scores: dict[str, float], truth: dict[str, bool]) -> float:
    """Share manipulated among the k highest risks, k = number manipulated; ties are broken
    against the manipulated bodies, so a tie earns nothing."""
    keys = sorted(truth)
    k = sum(truth.values())
    if k == 0:
        return 1.0
    s = np.array([scores.get(c, 0.0) for c in keys])
    y = np.array([truth[c] for c in keys])
    order = np.lexsort((y, -s))
    return float(y[order[:k]].mean())


def rule_figures(flags: list[Any], world: World) -> dict[str, Any]:
    scores = score_flags(flags, world.labels)
    out: dict[str, Any] = {}
    for code, s in sorted(scores.items()):
        out[code] = {
            "planted": s.labels,
            "found": s.found,
            "recall": s.recall,
            "flags": s.flags,
            "true_flags": s.true_flags,
            "side_effect_flags": s.ignored_flags,
            # No judged flag (none, or only on a plant's known side effects): nothing wrong.
            "precision": s.precision if s.precision is not None else 1.0,
        }
    rules = {c: v for c, v in out.items() if c.startswith("rule.")}
    planted = [v for v in rules.values() if v["planted"]]
    return {
        "signals": out,
        "recall_min": min((v["recall"] for v in planted), default=None),
        "precision_min": min((v["precision"] for v in rules.values()), default=None),
    }


def evaluate_world(world: World, seed: int) -> dict[str, Any]:
    from bench.quality import baseline_enterprise_scores

    t0 = time.perf_counter()
    result = audit_world(world)
    audit_s = time.perf_counter() - t0
    flags = list(result.flags)
    truth = world.manipulated()
    rule_bodies = world.rule_manipulated()
    keys = sorted(truth)
    honest = [k for k in keys if not truth[k]]
    stat_keys = honest + [k for k in keys if truth[k] and not rule_bodies[k]]
    risk = {_get(g, "credit_code"): float(_get(g, "risk_score")) for g in result.grades}
    grade = {_get(g, "credit_code"): str(_get(g, "grade")) for g in result.grades}
    forest = baseline_enterprise_scores(world.documents, seed)
    auc_all, auc_stat = _auc(risk, truth, keys), _auc(risk, truth, stat_keys)
    f_all, f_stat = _auc(forest, truth, keys), _auc(forest, truth, stat_keys)
    honest_cd = [k for k in honest if grade.get(k, "A") in ("C", "D")]
    odd_cd = [k for k in honest_cd if k in world.odd]
    honest_flags = Counter(
        _get(f, "signal") for f in flags if not truth.get(_get(f, "enterprise_credit_code"), False)
    )
    missed = sorted(
        (
            (k, risk.get(k, 0.0), next(e.plants for e in world.enterprises if e.credit_code == k))
            for k in keys
            if truth[k]
        ),
        key=lambda t: t[1],
    )[:8]
    return {
        "world": world.spec.name,
        "description": world.spec.description,
        "bodies": len(keys),
        "manipulated": sum(truth.values()),
        "statistical_only": sum(1 for k in keys if truth[k] and not rule_bodies[k]),
        "honest_odd": len(world.odd),
        "applications": world.applications,
        "flags": len(flags),
        "audit_s": round(audit_s, 2),
        "rules": rule_figures(flags, world),
        "auc_all": auc_all,
        "auc_statistical": auc_stat,
        "forest_auc_all": f_all,
        "forest_auc_statistical": f_stat,
        "margin_all": None if auc_all is None or f_all is None else auc_all - f_all,
        "margin_statistical": None if auc_stat is None or f_stat is None else auc_stat - f_stat,
        "honest_cd": len(honest_cd),
        "honest_cd_share": len(honest_cd) / max(1, len(honest)),
        "honest_odd_cd": len(odd_cd),
        "grades": dict(Counter(grade.values())),
        "honest_grades": dict(Counter(grade.get(k, "A") for k in honest)),
        "top_k_precision": top_k_precision(risk, truth),
        "flags_on_honest_bodies": dict(sorted(honest_flags.items())),
        "lowest_manipulated": [[k, round(r, 2), list(p)] for k, r, p in missed],
    }


def worst(reports: list[dict[str, Any]]) -> dict[str, Any]:
    def low(key: str) -> float | None:
        vals = [r[key] for r in reports if r[key] is not None]
        return min(vals) if vals else None

    rr = [r["rules"]["recall_min"] for r in reports if r["rules"]["recall_min"] is not None]
    rp = [r["rules"]["precision_min"] for r in reports if r["rules"]["precision_min"] is not None]
    return {
        "rules_recall_min": min(rr) if rr else None,
        "rules_precision_min": min(rp) if rp else None,
        "auc_all": low("auc_all"),
        "auc_statistical": low("auc_statistical"),
        "margin_all": low("margin_all"),
        "margin_statistical": low("margin_statistical"),
        "honest_cd_share": max(r["honest_cd_share"] for r in reports),
        "top_k_precision": low("top_k_precision"),
    }


def _fmt(x: float | None, digits: int = 3) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def _ok(flag: bool) -> str:
    return "met" if flag else "MISSED"


def print_report(reports: list[dict[str, Any]], w: dict[str, Any]) -> None:
    for r in reports:
        print(
            f"\n== world {r['world']} ({r['description']}): {r['bodies']} bodies, "
            f"{r['manipulated']} manipulated ({r['statistical_only']} statistical only), "
            f"{r['honest_odd']} honest-but-odd, {r['applications']:,} applications, "
            f"{r['flags']:,} flags, audit {r['audit_s']:.1f} s"
        )
        print("  signal                               planted found recall flags true precision")
        for code, s in r["rules"]["signals"].items():
            print(
                f"  {code:36s} {s['planted']:7d} {s['found']:5d} {_fmt(s['recall'], 2):>6s} "
                f"{s['flags']:5d} {s['true_flags']:4d} {_fmt(s['precision'], 2):>9s}"
            )
        print(
            f"  AUC all {_fmt(r['auc_all'])} (forest {_fmt(r['forest_auc_all'])}), "
            f"statistical {_fmt(r['auc_statistical'])} (forest "
            f"{_fmt(r['forest_auc_statistical'])}); honest C/D {r['honest_cd']} "
            f"({r['honest_cd_share']:.1%}; odd {r['honest_odd_cd']}); top-k precision "
            f"{r['top_k_precision']:.3f}; honest grades {r['honest_grades']}"
        )
        print(f"  flags on honest bodies: {r['flags_on_honest_bodies']}")
        print(f"  lowest-risk manipulated: {r['lowest_manipulated']}")
    print("\n== worst world")
    rr, rp = w["rules_recall_min"], w["rules_precision_min"]
    print(
        f"  rules: recall {_fmt(rr)} precision {_fmt(rp)} (>= {RULE_TARGET}): "
        f"{_ok(rr is not None and rp is not None and rr >= RULE_TARGET and rp >= RULE_TARGET)}"
    )
    a, s = w["auc_all"], w["auc_statistical"]
    print(
        f"  AUC all {_fmt(a)} (>= {AUC_ALL_TARGET}): {_ok(a is not None and a >= AUC_ALL_TARGET)}"
    )
    print(
        f"  AUC statistical {_fmt(s)} (>= {AUC_STAT_TARGET}): "
        f"{_ok(s is not None and s >= AUC_STAT_TARGET)}"
    )
    ma, ms = w["margin_all"], w["margin_statistical"]
    print(
        f"  margin over the forest: all {_fmt(ma)}, statistical {_fmt(ms)} (>= {AUC_MARGIN}): "
        f"{_ok(ma is not None and ms is not None and min(ma, ms) >= AUC_MARGIN)}"
    )
    print(
        f"  honest C/D {w['honest_cd_share']:.1%} (<= {HONEST_CD_TARGET:.0%}): "
        f"{_ok(w['honest_cd_share'] <= HONEST_CD_TARGET)}"
    )
    t = w["top_k_precision"]
    print(
        f"  top-k precision {_fmt(t)} (>= {TOP_K_TARGET}): {_ok(t is not None and t >= TOP_K_TARGET)}"
    )


def evaluate(
    names: list[str], bodies: int, seed: int
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    reports = []
    for name in names:
        spec = WORLDS[name]
        world = build_world(spec.scaled(bodies, spec.seed + seed))
        reports.append(evaluate_world(world, seed))
    return reports, worst(reports)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.worlds_quality",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--bodies", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0, help="added to each world's own seed")
    parser.add_argument("--world", action="append", choices=sorted(WORLDS))
    parser.add_argument("--json", metavar="PATH")
    args = parser.parse_args(argv)
    reports, w = evaluate(args.world or list(WORLDS), args.bodies, args.seed)
    print_report(reports, w)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"worlds": reports, "worst": w}, fh, indent=2, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
