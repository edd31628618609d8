"""How well the audit finds what was planted.

    python -m bench.quality [--seed N] [--bodies N] [--apps-per-body N] [--share-manipulated X]

Generates a labelled data set (``bench.generator``), runs ``audit.pipeline.run_audit`` on it
the way the service does (stored documents, registries, history, default baselines) and
reports:

- per signal, recall (share of planted manipulations some flag of that signal points at) and
  precision (share of that signal's flags that point at a planted manipulation); a flag on a
  known side effect of a plant (``PlantLabel.primary`` False) counts neither way;
- enterprise-level ROC AUC of the audit's risk score against "something was planted here";
- the same AUC for a plain baseline: an IsolationForest over per-application features only
  (final score, spread of the members' totals, scoring time, vote share, ...), averaged per
  enterprise;
- labels fed back (``feedback_auc``): ``audit.feedback.fit_weights`` on the flags of a labelled
  half of the enterprises; on the other half, the ranking of flags (AP, precision at k) and of
  enterprises (AUC, AP) with default vs fitted weights, under the default screens and under a
  noisier configuration (``noisy_settings``).

Targets (issue): rule signals recall >= 0.95 at precision >= 0.95; enterprise AUC >= 0.95 and
>= 0.25 above the plain baseline.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

import numpy as np

from bench.generator import GeneratorConfig, SyntheticData, generate
from bench.labels import PlantLabel, SignalScore, matching_labels, score_flags

RULE_TARGET = 0.95
AUC_TARGET = 0.95
AUC_MARGIN = 0.25


def _get(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name)


# --- the plain baseline -----------------------------------------------------------------------


def application_features(
    documents: list[dict[str, Any]],
) -> tuple[np.ndarray, list[str], list[str]]:
    """Per-application features a plain anomaly detector would use, and each row's enterprise.
    Only what one application shows: no panel, registry, history or peer context."""
    from standards.document import Standard

    rows: list[list[float]] = []
    owners: list[str] = []
    for doc in documents:
        standard = Standard.model_validate(doc["session"]["standard"])
        weights = np.array([c.weight for c in standard.criteria])
        maxima = np.array([c.maximum for c in standard.criteria])
        codes = [c.code for c in standard.criteria]
        for app in doc["applications"]:
            sheets = app["scores"]
            values = np.array([[s["values"][c] for c in codes] for s in sheets], dtype=float)
            totals = 100 * (values / maxima) @ weights if len(sheets) else np.zeros(1)
            durations = [
                (
                    datetime.fromisoformat(s["submitted_at"])
                    - datetime.fromisoformat(s["started_at"])
                ).total_seconds()
                for s in sheets
                if s.get("started_at")
            ] or [0.0]
            votes = Counter(v["vote"] for v in app["votes"])
            n_votes = max(1, sum(votes.values()))
            final = app["final_score"] if app["final_score"] is not None else float(totals.mean())
            rows.append(
                [
                    final,
                    final - standard.pass_score,
                    float(totals.std()),
                    float(np.median(durations)),
                    float(min(durations)),
                    votes["approve"] / n_votes,
                    float(len(sheets)),
                    float(len(app["recusals"])),
                    float(app["approved"]),
                    float(app["exceptional"]),
                ]
            )
            owners.append(doc["review_body"]["credit_code"])
    names = [
        "final_score",
        "margin_over_pass",
        "member_spread",
        "median_seconds",
        "min_seconds",
        "approve_share",
        "n_scores",
        "n_recusals",
        "approved",
        "exceptional",
    ]
    return np.array(rows), names, owners


def baseline_enterprise_scores(documents: list[dict[str, Any]], seed: int) -> dict[str, float]:
    """IsolationForest anomaly score per application, averaged per enterprise."""
    from sklearn.ensemble import IsolationForest

    X, _, owners = application_features(documents)
    forest = IsolationForest(n_estimators=200, random_state=seed).fit(X)
    anomaly = -forest.score_samples(X)
    by: dict[str, list[float]] = defaultdict(list)
    for owner, a in zip(owners, anomaly, strict=True):
        by[owner].append(float(a))
    return {k: float(np.mean(v)) for k, v in by.items()}


# --- the audit --------------------------------------------------------------------------------


def run_audit(
    data: SyntheticData, documents: list[dict[str, Any]], weights: Any = None, settings: Any = None
) -> Any:
    from audit.dataset import AuditDataset
    from bench import harness

    dataset = AuditDataset.from_documents(documents)
    registries = harness.registries(data.employment, data.education)
    history = harness.history(data.history)
    if settings is None:
        return harness.run(dataset, registries=registries, history=history, weights=weights)
    from audit.pipeline import run_audit as audit_run
    from standards.defaults import load_baselines

    return audit_run(
        dataset,
        baselines=load_baselines(),
        registries=registries,
        history=history,
        weights=weights,
        settings=settings,
    )


def noisy_settings() -> Any:
    """A noisier but plausible screen configuration, where the default weights rank poorly: a
    regulator who wants every member leaning 3 points (not 5) and runs the detector at 5x its
    contamination. Nothing in the data changes; only more noise flags are raised."""
    from audit.pipeline import AuditSettings

    return AuditSettings(
        calibration_min_deviation=3.0,
        detector_contamination={"application": 0.025, "member": 0.05, "enterprise": 0.1},
    )


def enterprise_risk(result: Any) -> dict[str, float]:
    return {_get(g, "credit_code"): float(_get(g, "risk_score")) for g in result.grades}


def auc(scores: dict[str, float], truth: dict[str, bool], keys: list[str] | None = None) -> float:
    from sklearn.metrics import roc_auc_score

    keys = keys if keys is not None else sorted(truth)
    y = [truth[k] for k in keys]
    s = [scores.get(k, 0.0) for k in keys]
    return float(roc_auc_score(y, s))


def _average_precision(scores: dict[str, float], truth: dict[str, bool], keys: list[str]) -> float:
    """Average precision of ranking ``keys`` by score (``audit.feedback.average_precision``);
    ties are broken against the manipulated bodies, so a tie earns nothing."""
    from audit.feedback import average_precision

    s = np.array([scores.get(k, 0.0) for k in keys])
    y = np.array([truth[k] for k in keys])
    order = np.lexsort((y, -s))
    return average_precision(order, y)


def signal_matrix(flags: list[Any], enterprises: list[str]) -> tuple[np.ndarray, list[str]]:
    """Enterprises × signals: the points each signal's flags earn an enterprise before
    weighting (severity × band, as ``audit.grading`` counts them), the cases the regulator
    would confirm or dismiss."""
    from audit.grading import BAND_FACTOR, SEVERITY_POINTS

    codes = sorted({_get(f, "signal") for f in flags})
    index = {c: i for i, c in enumerate(enterprises)}
    col = {c: j for j, c in enumerate(codes)}
    X = np.zeros((len(enterprises), len(codes)))
    for f in flags:
        i = index.get(_get(f, "enterprise_credit_code"))
        if i is not None:
            X[i, col[_get(f, "signal")]] += (
                SEVERITY_POINTS[_get(f, "severity")] * BAND_FACTOR[_get(f, "band")]
            )
    return X, codes


def flag_cases(
    flags: list[Any], labels: list[PlantLabel], enterprises: set[str]
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The regulator's worked cases: every flag of ``enterprises``, confirmed when it points at
    a manipulation (a plant, or a side effect of one) and dismissed otherwise (including a
    naturally lenient member: real, but no misconduct). One row per flag, its points (severity
    × band, as ``audit.grading`` counts them) in its signal's column."""
    from audit.grading import BAND_FACTOR, SEVERITY_POINTS

    by_signal: dict[str, list[PlantLabel]] = defaultdict(list)
    for label in labels:
        by_signal[label.signal].append(label)
    cases = [f for f in flags if _get(f, "enterprise_credit_code") in enterprises]
    codes = sorted({_get(f, "signal") for f in flags})
    col = {c: j for j, c in enumerate(codes)}
    X = np.zeros((len(cases), len(codes)))
    y = np.zeros(len(cases), dtype=bool)
    for i, f in enumerate(cases):
        X[i, col[_get(f, "signal")]] = (
            SEVERITY_POINTS[_get(f, "severity")] * BAND_FACTOR[_get(f, "band")]
        )
        y[i] = any(
            label.primary or label.variant != "natural"
            for label in matching_labels(f, by_signal.get(_get(f, "signal"), []))
        )
    return X, y, codes


def _flag_ranking(scores: np.ndarray, y: np.ndarray, ks: tuple[int, ...]) -> dict[str, float]:
    """Average precision (tied scores count as one threshold, as in scikit-learn) and the
    expected precision at k when ties are ordered at random."""
    from sklearn.metrics import average_precision_score

    out = {"ap": float(average_precision_score(y, scores)) if y.any() else 0.0}
    for k in ks:
        k = min(k, y.size)
        if k == 0:
            continue
        s_k = np.sort(scores)[::-1][k - 1]
        above = scores > s_k
        tied = scores == s_k
        hits = y[above].sum() + (k - above.sum()) * y[tied].mean()
        out[f"p@{k}"] = float(hits / k)
    return out


def feedback_auc(
    data: SyntheticData,
    documents: list[dict[str, Any]],
    result: Any,
    seed: int,
    settings: Any = None,
) -> dict[str, Any]:
    """Labels fed back. The flags of a random half of the enterprises are worked as cases
    (confirmed when they rest on a plant or its side effect, dismissed otherwise) and
    ``fit_weights`` learns signal weights from them. Measured on the other half only, so no
    flag is both a label and a test case:

    - the regulator's case list: held-out flags ranked by weight × points (the flag's share
      of the risk score), default vs fitted weights: average precision and precision at k,
      over all flags and over the statistical ones (which all weigh 0.5 by default);
    - the enterprises: the audit re-run with the fitted weights, held-out ROC AUC and AP of
      the risk score;
    - consistency: the grading risk score against the fitted model's own probability that
      some flag of the enterprise is confirmed, 1 - exp(-c Σ weight × points) (Spearman);
      they differ only by the grading caps.
    """
    from scipy import stats

    from audit.feedback import SignalWeights, fit_weights, risk_scores

    truth = data.manipulated()
    codes_all = sorted(truth)
    rng = np.random.default_rng(seed + 1)
    pos = [c for c in codes_all if truth[c]]
    neg = [c for c in codes_all if not truth[c]]
    train = set(rng.permutation(pos)[: len(pos) // 2]) | set(rng.permutation(neg)[: len(neg) // 2])
    test = [c for c in codes_all if c not in train]
    flags = list(result.flags)
    X, y, codes = flag_cases(flags, data.labels, train)
    weights = fit_weights(X, y, codes)
    defaults = SignalWeights.defaults(codes)
    Xt, yt, _ = flag_cases(flags, data.labels, set(test))
    stat = np.array([c.startswith("stat.") for c in codes])
    is_stat = (Xt[:, stat] > 0).any(axis=1)
    ks = (25, 50, 100)
    ranking = {
        name: {
            "all": _flag_ranking(risk_scores(Xt, codes, w), yt, ks),
            "statistics": _flag_ranking(risk_scores(Xt[is_stat], codes, w), yt[is_stat], ks),
        }
        for name, w in (("default", defaults), ("fitted", weights))
    }
    refit = run_audit(data, documents, weights=weights, settings=settings)
    before, after = enterprise_risk(result), enterprise_risk(refit)
    per_flag = risk_scores(flag_cases(flags, data.labels, set(test))[0], codes, weights)
    owners = [
        _get(f, "enterprise_credit_code")
        for f in flags
        if _get(f, "enterprise_credit_code") in set(test)
    ]
    evidence: dict[str, float] = defaultdict(float)
    for owner, h in zip(owners, per_flag, strict=True):
        evidence[owner] += float(h)
    # Bodies the rules leave clean: only statistics and the detector speak for them.
    ruled = {_get(f, "enterprise_credit_code") for f in flags if _get(f, "band") == "certain"}
    quiet = [k for k in test if k not in ruled]
    quiet_ok = 0 < sum(truth[k] for k in quiet) < len(quiet)
    c = weights.hazard_per_point
    model_p = [-np.expm1(-c * evidence.get(k, 0.0)) for k in test]
    consistency = float(stats.spearmanr([after.get(k, 0.0) for k in test], model_p).statistic)
    return {
        "train_bodies": len(train),
        "test_bodies": len(test),
        "cases": len(y),
        "confirmed": int(y.sum()),
        "test_flags": len(yt),
        "test_confirmed": int(yt.sum()),
        "test_stat_flags": int(is_stat.sum()),
        "test_stat_confirmed": int(yt[is_stat].sum()),
        "fitted": weights.fitted,
        "reason": weights.reason,
        "flag_ranking": ranking,
        "auc_default_weights": auc(before, truth, test),
        "auc_fitted_weights": auc(after, truth, test),
        "ap_default_weights": _average_precision(before, truth, test),
        "ap_fitted_weights": _average_precision(after, truth, test),
        "no_rule_bodies": len(quiet),
        "no_rule_manipulated": sum(truth[k] for k in quiet),
        "no_rule_auc_default": auc(before, truth, quiet) if quiet_ok else None,
        "no_rule_auc_fitted": auc(after, truth, quiet) if quiet_ok else None,
        "no_rule_ap_default": _average_precision(before, truth, quiet) if quiet_ok else None,
        "no_rule_ap_fitted": _average_precision(after, truth, quiet) if quiet_ok else None,
        "grading_vs_model_spearman": consistency,
        "hazard_per_point": c,
        "weights": {k: round(v, 3) for k, v in sorted(weights.weights.items())},
    }


def print_feedback(name: str, fb: dict[str, Any]) -> None:
    r = fb["flag_ranking"]
    d, f = r["default"], r["fitted"]
    print(
        f"labels fed back, {name} ({fb['cases']} flags of {fb['train_bodies']} bodies worked "
        f"as cases, {fb['confirmed']} confirmed; "
        f"{'fitted' if fb['fitted'] else 'not fitted: ' + fb['reason']}):"
    )
    print(
        f"  held-out flags ({fb['test_flags']}, {fb['test_confirmed']} on a plant): AP "
        f"{d['all']['ap']:.3f} -> {f['all']['ap']:.3f}; "
        + "; ".join(
            f"{k} {d['all'][k]:.3f} -> {f['all'][k]:.3f}" for k in d["all"] if k.startswith("p@")
        )
    )
    print(
        f"  held-out statistical flags ({fb['test_stat_flags']}, {fb['test_stat_confirmed']} "
        f"on a plant): AP {d['statistics']['ap']:.3f} -> {f['statistics']['ap']:.3f}; "
        + "; ".join(
            f"{k} {d['statistics'][k]:.3f} -> {f['statistics'][k]:.3f}"
            for k in d["statistics"]
            if k.startswith("p@")
        )
    )
    print(
        f"  held-out bodies ({fb['test_bodies']}): AUC {fb['auc_default_weights']:.3f} -> "
        f"{fb['auc_fitted_weights']:.3f}; AP {fb['ap_default_weights']:.3f} -> "
        f"{fb['ap_fitted_weights']:.3f}; grading risk vs the fit's own probability: "
        f"Spearman {fb['grading_vs_model_spearman']:.3f}"
    )
    print(
        f"  held-out bodies without a rule flag ({fb['no_rule_bodies']}, "
        f"{fb['no_rule_manipulated']} manipulated): AUC {_fmt(fb['no_rule_auc_default'])} -> "
        f"{_fmt(fb['no_rule_auc_fitted'])}; AP {_fmt(fb['no_rule_ap_default'])} -> "
        f"{_fmt(fb['no_rule_ap_fitted'])}"
    )
    top = sorted(fb["weights"].items(), key=lambda kv: -kv[1])
    print("  fitted weights: " + ", ".join(f"{k} {v:g}" for k, v in top))


# --- report -----------------------------------------------------------------------------------


def _fmt(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


def variant_recall(
    flags: list[Any], labels: list[PlantLabel]
) -> dict[tuple[str, str], tuple[int, int]]:
    """Recall by (signal, variant) for signals planted in several ways."""
    out: dict[tuple[str, str], tuple[int, int]] = {}
    for label in labels:
        if not label.primary or not label.variant:
            continue
        hit = score_flags(flags, [label])[label.signal].found
        found, total = out.get((label.signal, label.variant), (0, 0))
        out[(label.signal, label.variant)] = (found + hit, total + 1)
    return out


def print_signal_table(
    scores: dict[str, SignalScore],
    strong: dict[str, SignalScore],
    clean_flags: Counter[str],
) -> None:
    head = (
        "signal",
        "planted",
        "found",
        "recall",
        "flags",
        "true",
        "side-effect",
        "precision",
        "alarm flags",
        "alarm precision",
        "on clean bodies",
    )
    rows = []
    for code in sorted(scores):
        s = scores[code]
        a = strong.get(code)
        rows.append(
            (
                code,
                str(s.labels),
                str(s.found),
                _fmt(s.recall),
                str(s.flags),
                str(s.true_flags),
                str(s.ignored_flags),
                _fmt(s.precision),
                "—" if code.startswith("rule.") or a is None else str(a.flags),
                "—" if code.startswith("rule.") or a is None else _fmt(a.precision),
                str(clean_flags.get(code, 0)),
            )
        )
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    for r in [head, tuple("-" * w for w in widths), *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())


def evaluate(config: GeneratorConfig, *, feedback: bool = True) -> dict[str, Any]:
    """Generate, audit and score; returns the figures (also printed)."""
    t0 = time.perf_counter()
    data = generate(config)
    documents = data.documents()
    t_gen = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = run_audit(data, documents)
    t_audit = time.perf_counter() - t0
    flags = list(result.flags)
    scores = score_flags(flags, data.labels)
    # Statistics flag at two bands: alert (p < 0.05) and alarm (p < 0.002).
    strong = score_flags([f for f in flags if _get(f, "band") != "alert"], data.labels)
    truth = data.manipulated()
    clean = Counter(
        _get(f, "signal") for f in flags if not truth.get(_get(f, "enterprise_credit_code"), False)
    )
    risk = enterprise_risk(result)
    audit_auc = auc(risk, truth)
    base_auc = auc(baseline_enterprise_scores(documents, config.seed), truth)
    report: dict[str, Any] = {
        "config": {k: v for k, v in config.__dict__.items() if k != "key"},
        "applications": data.applications,
        "enterprises": len(truth),
        "manipulated": sum(truth.values()),
        "flags": len(flags),
        "generate_s": t_gen,
        "audit_s": t_audit,
        "signals": {
            c: {
                "planted": s.labels,
                "found": s.found,
                "recall": s.recall,
                "flags": s.flags,
                "true_flags": s.true_flags,
                "side_effect_flags": s.ignored_flags,
                "precision": s.precision,
                "alarm_flags": strong[c].flags if c in strong else 0,
                "alarm_precision": strong[c].precision if c in strong else None,
                "flags_on_clean_bodies": clean.get(c, 0),
            }
            for c, s in scores.items()
        },
        "variants": {
            f"{s}/{v}": {"found": f, "planted": n}
            for (s, v), (f, n) in sorted(variant_recall(flags, data.labels).items())
        },
        "enterprise_auc": audit_auc,
        "baseline_auc": base_auc,
    }
    rules = [s for c, s in scores.items() if c.startswith("rule.") and s.labels]
    report["rules_recall_min"] = min((s.recall or 0.0) for s in rules) if rules else None
    report["rules_precision_min"] = (
        min((s.precision if s.precision is not None else 1.0) for s in rules) if rules else None
    )
    if feedback:
        report["feedback"] = feedback_auc(data, documents, result, config.seed)
        noisy = noisy_settings()
        noisy_result = run_audit(data, documents, settings=noisy)
        report["feedback_noisy"] = feedback_auc(
            data, documents, noisy_result, config.seed, settings=noisy
        )
        report["feedback_noisy"]["flags"] = len(noisy_result.flags)
        report["feedback_noisy"]["enterprise_auc_default"] = auc(
            enterprise_risk(noisy_result), truth
        )

    print(
        f"bench.quality — seed {config.seed}: {len(truth)} review bodies "
        f"({report['manipulated']} manipulated), {data.applications:,} applications, "
        f"{len(flags):,} flags; generated in {t_gen:.1f} s, audited in {t_audit:.1f} s"
    )
    print()
    print_signal_table(scores, strong, clean)
    print()
    print("recall by plant variant:")
    for key, v in report["variants"].items():
        print(f"  {key}: {v['found']}/{v['planted']}")
    print()
    rr, rp = report["rules_recall_min"], report["rules_precision_min"]
    print(
        f"rule signals: lowest recall {_fmt(rr)}, lowest precision {_fmt(rp)} "
        f"(target >= {RULE_TARGET} each): "
        f"{'met' if rr is not None and rr >= RULE_TARGET and rp >= RULE_TARGET else 'MISSED'}"
    )
    ok = audit_auc >= AUC_TARGET and audit_auc - base_auc >= AUC_MARGIN
    print(
        f"enterprise ROC AUC: audit {audit_auc:.3f}, plain IsolationForest baseline "
        f"{base_auc:.3f} (difference {audit_auc - base_auc:+.3f}; target AUC >= {AUC_TARGET} "
        f"and >= {AUC_MARGIN} above the baseline): {'met' if ok else 'MISSED'}"
    )
    if feedback:
        print_feedback("default screens", report["feedback"])
        fbn = report["feedback_noisy"]
        print_feedback(
            f"noisy screens ({fbn['flags']:,} flags; calibration at 3 points, detector at 5x; "
            f"all-body AUC with default weights {fbn['enterprise_auc_default']:.3f})",
            fbn,
        )
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.quality",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--bodies", type=int, default=300)
    parser.add_argument("--apps-per-body", type=float, default=60.0)
    parser.add_argument("--members", type=int, default=7)
    parser.add_argument("--criteria", type=int, default=5)
    parser.add_argument("--share-manipulated", type=float, default=0.2)
    parser.add_argument("--no-feedback", action="store_true", help="skip the refit with labels")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    from bench import harness

    if not harness.pipeline_available():
        print("bench.quality: audit.pipeline.run_audit is not there yet; nothing to measure.")
        return 2
    config = GeneratorConfig(
        bodies=args.bodies,
        apps_per_body=args.apps_per_body,
        members=args.members,
        criteria=args.criteria,
        share_manipulated=args.share_manipulated,
        seed=args.seed,
    )
    report = evaluate(config, feedback=not args.no_feedback)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(report, fh, indent=2, ensure_ascii=False, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
