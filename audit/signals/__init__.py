"""The signal registry: every module of this package (other than ``base``) is one signal,
with its metadata and ``detect(dataset, features, context) -> list[Flag]``; ``run_audit``
runs them stage by stage (``base.STAGES``), in code order within a stage.

``REGISTRY``: the signals in run order; ``SIGNALS``: code -> ``SignalInfo`` of every code
a signal raises (what grades, the API and the web app show)."""

from __future__ import annotations

import importlib
import pkgutil

from audit.flags import SignalInfo
from audit.signals.base import STAGES, Context, Signal


def _discover() -> tuple[Signal, ...]:
    found: list[Signal] = []
    for module in pkgutil.iter_modules(__path__):
        if module.name == "base" or module.name.startswith("_"):
            continue
        signal = getattr(importlib.import_module(f"{__name__}.{module.name}"), "SIGNAL", None)
        if isinstance(signal, Signal):
            found.append(signal)
    order = list(STAGES)
    unknown = [s.code for s in found if s.stage not in STAGES]
    if unknown:
        raise RuntimeError(f"signals with an unknown stage: {unknown}")
    return tuple(sorted(found, key=lambda s: (order.index(s.stage), s.code)))


REGISTRY: tuple[Signal, ...] = _discover()

SIGNALS: dict[str, SignalInfo] = {info.code: info for signal in REGISTRY for info in signal.infos()}

__all__ = ["REGISTRY", "SIGNALS", "STAGES", "Context", "Signal"]
