"""Speed of the verifiable panel draw: 11 members and 2 reserves from a pool of 5,000 experts,
with every exclusion applied (status, term, age, level, specialty, own enterprise, relations,
recent sessions).

``python -m bench.draw [--pool 5000] [--repeat 20]`` prints the fastest, median and slowest draw.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, timedelta

from standards.document import PanelRules
from standards.draw import DrawCandidate, DrawRequest, draw_panel
from standards.levels import TITLE_LEVELS, Track


def pool(size: int, rng: random.Random) -> list[DrawCandidate]:
    levels = list(TITLE_LEVELS)[2:]
    return [
        DrawCandidate(
            expert_id=str(i),
            track=Track.title,
            level=rng.choice(levels),
            external=rng.random() < 0.6,
            specialty=rng.choice(["welding", "hull", "textiles", "machining", "electrical"]),
            organisation_code=f"ORG{rng.randrange(400)}",
            person_key=f"pk{i}",
            status=rng.choices(["active", "suspended", "removed"], [0.94, 0.04, 0.02])[0],
            term_end=date(2026, 1, 1) + timedelta(days=rng.randrange(1500)),
            birth_date=date(1950, 1, 1) + timedelta(days=rng.randrange(15000)),
        )
        for i in range(size)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pool", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    rng = random.Random(7)
    candidates = pool(args.pool, rng)
    request = DrawRequest(
        track=Track.title,
        level="intermediate",
        rules=PanelRules(min_size=11, min_external_share=0.3),
        size=11,
        reserves=2,
        specialty="welding",
        enterprise_code="ORG1",
        excluded_persons={f"pk{i}": "近亲属" for i in rng.sample(range(args.pool), 200)},
        recent_expert_ids=frozenset(str(i) for i in rng.sample(range(args.pool), 100)),
        on=date(2026, 12, 4),
        max_age=70,
    )
    times = []
    for r in range(args.repeat):
        started = time.perf_counter()
        result = draw_panel(f"seed-{r}", candidates, request)
        times.append(time.perf_counter() - started)
        assert len(result.members) == 11, result.problems
    print(
        f"draw 11 + 2 reserves from {args.pool} experts ({result.eligible} eligible): "
        f"min {min(times) * 1000:.1f} ms, median {statistics.median(times) * 1000:.1f} ms, "
        f"max {max(times) * 1000:.1f} ms over {args.repeat} draws"
    )


if __name__ == "__main__":
    main()
