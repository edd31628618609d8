"""Speed and memory of the audit, beside a plain scan of the same stored data.

    python -m bench.speed --scale demo        # 141 review bodies, 8,460 applications
    python -m bench.speed --scale province    # 2,000 review bodies, 200,000 applications

Steps: generate the data set; store it as one JSON row per filing in a throw-away SQLite file
(and a throw-away PostgreSQL database when one answers at --postgres); then, each in a fresh
process so its peak memory is its own:

- plain scan: SELECT every row and parse its JSON (nothing else): the floor any audit of
  stored filings pays;
- audit: the same rows streamed into ``AuditDataset.from_documents``, the registries and
  history read, and ``run_audit``.

Finally the intake of one 10,000-application filing (``audit.intake.check_filing``).
Targets (issue): demo audit <= 3 s; province audit <= 60 s and <= 4 GB peak; intake <= 5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from typing import Any

SCALES: dict[str, dict[str, Any]] = {
    "demo": {"bodies": 141, "apps_per_body": 60.0, "target_s": 3.0},
    "province": {"bodies": 2000, "apps_per_body": 100.0, "target_s": 60.0},
}
MEMORY_TARGET_MB = 4096
INTAKE_TARGET_S = 5.0


def _peak_mb() -> float:
    """Peak resident memory of this process in MB. VmHWM is the high-water mark of this
    process's own address space; ``ru_maxrss`` would also count the parent's memory when the
    child was started by vfork + exec (Linux carries the old mm's peak across exec)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- child processes --------------------------------------------------------------------------


def _child_scan(source: str) -> dict[str, Any]:
    from bench import storage

    t0 = time.perf_counter()
    filings = apps = 0
    with storage.connect(source) as con:
        for doc in storage.iter_documents(con):
            filings += 1
            apps += len(doc["applications"])
    return {
        "seconds": time.perf_counter() - t0,
        "filings": filings,
        "applications": apps,
        "peak_mb": _peak_mb(),
    }


def _child_audit(source: str) -> dict[str, Any]:
    t_import = time.perf_counter()
    # A service worker has these loaded already: importing them is not the audit's time.
    import audit.pipeline  # noqa: F401
    from audit.dataset import AuditDataset
    from bench import harness, storage
    from bench.generator import gc_paused

    t0 = time.perf_counter()
    import_seconds = t0 - t_import
    with storage.connect(source) as con:
        dataset = AuditDataset.from_documents(storage.iter_documents(con))
        t_load = time.perf_counter()
        with gc_paused():
            employment, education = storage.read_registry_rows(con)
            history_rows = storage.read_history_rows(con)
            registries = harness.registries(employment, education)
            history = harness.history(history_rows)
    t_inputs = time.perf_counter()
    result = harness.run(dataset, registries=registries, history=history)
    t_end = time.perf_counter()
    stages = getattr(result, "stages", None) or {}
    if not isinstance(stages, dict):
        stages = {
            str(getattr(s, "name", i)): float(getattr(s, "seconds", 0.0))
            for i, s in enumerate(stages)
        }
    return {
        "seconds": t_end - t0,
        "load_seconds": t_load - t0,
        "registry_seconds": t_inputs - t_load,
        "run_audit_seconds": t_end - t_inputs,
        "import_seconds": import_seconds,
        "applications": int(dataset.n_applications),
        "flags": len(result.flags),
        "grades": len(result.grades),
        "stages": {k: float(v) for k, v in stages.items()},
        "peak_mb": _peak_mb(),
    }


def _in_child(kind: str, source: str) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-m", "bench.speed", "--child", kind, "--source", source],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr else "failed"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- intake -----------------------------------------------------------------------------------


def measure_intake(n_apps: int, seed: int, repeats: int = 3) -> dict[str, Any]:
    """Time ``check_filing`` on one filing of ``n_apps`` applications (intake form: clear
    resident IDs, so identifiers are validated and pseudonymised too)."""
    from audit.intake import check_filing
    from bench.generator import GeneratorConfig, generate

    data = generate(
        GeneratorConfig(
            bodies=1, apps_per_body=n_apps, sessions_per_body=1, share_manipulated=0.0, seed=seed
        )
    )
    raw = data.documents(intake=True)[0]
    times = []
    problems: list[Any] = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        _, problems = check_filing(raw, key=data.config.key, today=date(2026, 11, 25))
        times.append(time.perf_counter() - t0)
    return {
        "applications": len(raw["applications"]),
        "seconds": min(times),
        "median_seconds": statistics.median(times),
        "problems": len(problems),
    }


# --- main -------------------------------------------------------------------------------------


def _row(
    label: str,
    seconds: float | None,
    peak: float | None,
    target: str,
    ok: bool | None,
    note: str = "",
) -> tuple[str, ...]:
    return (
        label,
        "—" if seconds is None else f"{seconds:.2f}",
        "—" if peak is None else f"{peak:,.0f}",
        target,
        {True: "met", False: "MISSED", None: ""}[ok],
        note,
    )


def _print_table(rows: list[tuple[str, ...]]) -> None:
    head = ("step", "seconds", "peak MB", "target", "", "notes")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    for r in [head, tuple("-" * w for w in widths), *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())


def run(
    scale: str, seed: int, postgres: str | None, intake_apps: int, repeat: int = 1
) -> dict[str, Any]:
    from bench import harness, storage
    from bench.generator import GeneratorConfig, generate

    spec = SCALES[scale]
    cfg = GeneratorConfig(bodies=spec["bodies"], apps_per_body=spec["apps_per_body"], seed=seed)
    report: dict[str, Any] = {"scale": scale, "seed": seed}
    load_start = os.getloadavg()
    rows: list[tuple[str, ...]] = []
    t0 = time.perf_counter()
    data = generate(cfg)
    t_gen = time.perf_counter() - t0
    rows.append(
        _row(
            f"generate ({data.applications:,} applications, {cfg.bodies:,} bodies)",
            t_gen,
            None,
            "",
            None,
            "numeric core, in the parent process",
        )
    )
    with tempfile.TemporaryDirectory(prefix="bench_") as tmp:
        path = os.path.join(tmp, "bench.sqlite")
        t0 = time.perf_counter()
        n_filings = storage.write_sqlite(data, path)
        t_write = time.perf_counter() - t0
        size_mb = os.path.getsize(path) / 2**20
        rows.append(
            _row(
                f"emit + store in SQLite ({n_filings:,} filings)",
                t_write,
                None,
                "",
                None,
                f"{size_mb:,.0f} MB file",
            )
        )
        report.update(
            generate_s=t_gen,
            store_sqlite_s=t_write,
            sqlite_mb=size_mb,
            filings=n_filings,
            applications=data.applications,
        )
        sources = [("SQLite", path)]
        pg_ctx = None
        if postgres and storage.postgres_reachable(postgres):
            pg_ctx = storage.postgres_database(postgres)
            url = pg_ctx.__enter__()
            t0 = time.perf_counter()
            storage.write_postgres(data, url)
            t_pg = time.perf_counter() - t0
            rows.append(_row("emit + store in PostgreSQL (COPY)", t_pg, None, "", None, ""))
            report["store_postgres_s"] = t_pg
            sources.append(("PostgreSQL", url))
        elif postgres:
            rows.append(_row("PostgreSQL", None, None, "", None, f"not reachable at {postgres}"))
        del data
        try:
            for name, source in sources:
                scan = _in_child("scan", source)
                report[f"scan_{name}"] = scan
                rows.append(
                    _row(
                        f"plain scan, {name}: SELECT + json.loads",
                        scan.get("seconds"),
                        scan.get("peak_mb"),
                        "",
                        None,
                        scan.get("error", ""),
                    )
                )
                if not harness.pipeline_available():
                    rows.append(
                        _row(
                            f"audit, {name}",
                            None,
                            None,
                            "",
                            None,
                            "pending: audit.pipeline.run_audit not there yet",
                        )
                    )
                    continue
                # On a shared machine the fastest of several runs is the best estimate of the
                # audit's own cost; the slowest is reported beside it.
                runs = [_in_child("audit", source) for _ in range(repeat)]
                failed = [r for r in runs if "error" in r]
                audit = failed[0] if failed else min(runs, key=lambda r: r["seconds"])
                if not failed:
                    audit["slowest_seconds"] = max(r["seconds"] for r in runs)
                    audit["runs"] = repeat
                report[f"audit_{name}"] = audit
                if "error" in audit:
                    rows.append(_row(f"audit, {name}", None, None, "", False, audit["error"]))
                    continue
                target = spec["target_s"]
                ok = audit["seconds"] <= target and audit["peak_mb"] <= MEMORY_TARGET_MB
                mem = f" and <= {MEMORY_TARGET_MB / 1024:.0f} GB" if scale == "province" else ""
                rows.append(
                    _row(
                        f"audit, {name}: load + run_audit",
                        audit["seconds"],
                        audit["peak_mb"],
                        f"<= {target:.0f} s{mem}",
                        ok,
                        f"load {audit['load_seconds']:.2f} s, registries "
                        f"{audit['registry_seconds']:.2f} s, run_audit "
                        f"{audit['run_audit_seconds']:.2f} s; {audit['flags']:,} flags; "
                        f"imports before the clock: {audit['import_seconds']:.1f} s"
                        + (
                            f"; fastest of {repeat}, slowest {audit['slowest_seconds']:.2f} s"
                            if repeat > 1
                            else ""
                        ),
                    )
                )
                if scan.get("seconds"):
                    rows.append(
                        _row(
                            f"  audit / plain scan, {name}",
                            None,
                            None,
                            "",
                            None,
                            f"{audit['seconds'] / scan['seconds']:.1f}x",
                        )
                    )
        finally:
            if pg_ctx is not None:
                pg_ctx.__exit__(None, None, None)
    if intake_apps:
        intake = measure_intake(intake_apps, seed)
        report["intake"] = intake
        rows.append(
            _row(
                f"intake: check_filing, {intake['applications']:,} applications",
                intake["seconds"],
                None,
                f"<= {INTAKE_TARGET_S:.0f} s",
                intake["seconds"] <= INTAKE_TARGET_S,
                f"best of 3 (median {intake['median_seconds']:.2f} s); "
                f"{intake['problems']} problems",
            )
        )
    report["peak_mb_parent"] = _peak_mb()
    report["load_average_start"], report["load_average_end"] = load_start, os.getloadavg()
    print(
        f"bench.speed — scale {scale}, seed {seed}, {os.cpu_count()} CPUs; load average "
        f"{load_start[0]:.2f} at the start, {report['load_average_end'][0]:.2f} at the end "
        "(other work on the machine slows every step)"
    )
    _print_table(rows)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.speed",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--scale", choices=sorted(SCALES), default="demo")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--postgres",
        default="postgresql://postgres@127.0.0.1:5432",
        help="server URL without database; '' to skip PostgreSQL",
    )
    parser.add_argument(
        "--intake-apps",
        type=int,
        default=10_000,
        help="applications in the intake filing; 0 to skip",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="audit runs per store; the fastest is reported"
    )
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    parser.add_argument("--child", choices=("scan", "audit"), help=argparse.SUPPRESS)
    parser.add_argument("--source", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        out = _child_scan(args.source) if args.child == "scan" else _child_audit(args.source)
        print(json.dumps(out))
        return 0
    report = run(args.scale, args.seed, args.postgres or None, args.intake_apps, args.repeat)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(report, fh, indent=2, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
