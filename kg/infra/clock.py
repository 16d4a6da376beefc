"""Seconds spent per stage of a build, for its report (``kg build --timings``).

``with clock("merge"): ...`` adds the time spent inside to the stage "merge". Stages nest:
a nested stage's time counts for it and not for the stage around it, so the figures add up
to the time measured.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator

__all__ = ["Clock", "StageClock", "no_clock"]

# Anything that times a stage: ``StageClock`` or ``no_clock``.
Clock = Callable[[str], contextlib.AbstractContextManager]


def no_clock(stage: str) -> contextlib.AbstractContextManager:
    """A clock that measures nothing."""
    return contextlib.nullcontext()


class StageClock:
    """Seconds per stage, summed over every time the stage is entered, a nested stage's time
    counted for it and not for the stage around it. Extraction, merging and writing
    interleave paper by paper (workers extract meanwhile), so each stage is timed where the
    main thread spends it."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._nested: list[float] = []  # per open stage: seconds spent in nested stages

    @contextlib.contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        self._nested.append(0.0)
        try:
            yield
        finally:
            elapsed = time.perf_counter() - start
            own = elapsed - self._nested.pop()
            if self._nested:
                self._nested[-1] += elapsed
            self.timings[stage] = self.timings.get(stage, 0.0) + own
