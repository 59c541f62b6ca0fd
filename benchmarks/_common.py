"""Helpers for whole-process benchmarks: run a command N times, report median and max.

Wall time depends on what else the machine does; CPU time (user + system of the process and
of everything it waited for, from getrusage(RUSAGE_CHILDREN)) much less, so comparisons
between programs are made on CPU time, alternating runs.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QREPORT = [sys.executable, "-m", "desktop"]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measured(cmd: list[str], runs: int, setup=None, env=None, ok_codes=(0,), cwd=ROOT
             ) -> list[tuple[float, float]]:
    """(wall seconds, CPU seconds) of each run."""
    results = []
    for _ in range(runs):
        if setup:
            setup()
        cpu = _children_cpu()
        start = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, cwd=cwd, env=dict(os.environ, **(env or {})))
        results.append((time.perf_counter() - start, _children_cpu() - cpu))
        if done.returncode not in ok_codes:
            raise RuntimeError(f"{' '.join(map(str, cmd[:4]))} … failed ({done.returncode}): "
                               f"{done.stderr[-300:]!r}")
    return results


def timed(cmd: list[str], runs: int, setup=None, env=None, ok_codes=(0,)) -> list[float]:
    return [wall for wall, _ in measured(cmd, runs, setup, env, ok_codes)]


def summary(name: str, times: list[float]) -> str:
    return (f"{name:<38} median {statistics.median(times) * 1000:7.0f} ms   "
            f"min {min(times) * 1000:7.0f} ms   max {max(times) * 1000:7.0f} ms   (n={len(times)})")
