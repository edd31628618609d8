"""Benchmark worlds: independently parameterised synthetic cities (``engine.WorldSpec``) that
differ in what a detector could overfit to. ``WORLDS`` holds three; ``build_world(spec)``
generates one; ``bench.worlds_quality`` measures the audit on each and reports the worst.

- ``steady``: mid-sized bodies, 3-5 criteria with unequal maxima, mild Gaussian-like member
  leans, one pass score (60), panels at or two above the legal minimum, sheet-by-sheet timing.
- ``heavy_tails``: Student-t (3 d.f.) member leans and applicant quality, 5-8 criteria,
  panels at the legal minimum, same-department members who do not recuse on most
  applications, clusters beyond the catalogue, faster pace, pass scores 60-75 by body.
- ``small_bodies``: half the bodies with 3-10 applications, 3-4 criteria, every member's
  sheets timed from one sitting start, slow pace, pass scores 70 or 80, frequent recusals and
  a fifth of the bodies honest-but-odd (tiny, elite with all passing, strict, often recusing).
"""

from __future__ import annotations

from bench.worlds.engine import World, WorldSpec, build_world

WORLDS: dict[str, WorldSpec] = {
    "steady": WorldSpec(
        name="steady",
        description="mid-sized bodies, mild leans, pass score 60, sheet-by-sheet timing",
        seed=11,
        apps_median=26,
        criteria=(3, 5),
        lean_scale=2.5,
        lean_df=30,
        quality_df=30,
        panel_extra=(0, 2),
        same_department_share=0.3,
        clusters=("船舶海工", "高端纺织", "电子信息", "智能装备", "新能源"),
        pace_seconds=480,
        pass_scores=(60.0,),
        small_share=0.1,
        odd_share=0.12,
    ),
    "heavy_tails": WorldSpec(
        name="heavy_tails",
        description="t(3) leans and quality, 5-8 criteria, minimum panels, same-department norm",
        seed=23,
        apps_median=30,
        criteria=(5, 8),
        lean_scale=3.5,
        lean_df=3,
        quality_sd=10,
        quality_df=3,
        panel_extra=(0,),
        same_department_share=0.7,
        clusters=("新能源", "生物医药", "高端装备", "新材料", "海洋经济", "数字经济", "现代物流"),
        pace_seconds=300,
        pass_scores=(60.0, 65.0, 70.0, 75.0),
        small_share=0.15,
        odd_share=0.12,
    ),
    "small_bodies": WorldSpec(
        name="small_bodies",
        description="half the bodies with 3-10 applications, sitting timing, pass 70/80, odd bodies",
        seed=37,
        apps_median=12,
        apps_sigma=0.5,
        small_share=0.5,
        criteria=(3, 4),
        lean_scale=3.0,
        lean_df=8,
        panel_extra=(0,),
        same_department_share=0.8,
        recusal_share=0.08,
        clusters=("船舶海工", "建筑安装", "医药化工", "家纺", "电子信息", "智能装备"),
        timing="sitting",
        pace_seconds=900,
        pass_scores=(70.0, 80.0),
        odd_share=0.2,
    ),
}

__all__ = ["WORLDS", "World", "WorldSpec", "build_world"]
