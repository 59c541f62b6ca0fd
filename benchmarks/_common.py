"""Helpers for whole-process benchmarks: run a command N times, report median and max."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QREPORT = [sys.executable, "-m", "desktop"]


def timed(cmd: list[str], runs: int, setup=None, env=None, ok_codes=(0,)) -> list[float]:
    times = []
    for _ in range(runs):
        if setup:
            setup()
        start = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, cwd=ROOT, env=dict(os.environ, **(env or {})))
        times.append(time.perf_counter() - start)
        if done.returncode not in ok_codes:
            raise RuntimeError(f"{' '.join(cmd[:4])} … failed ({done.returncode}): {done.stderr[-300:]!r}")
    return times


def summary(name: str, times: list[float]) -> str:
    return (f"{name:<38} median {statistics.median(times) * 1000:7.0f} ms   "
            f"min {min(times) * 1000:7.0f} ms   max {max(times) * 1000:7.0f} ms   (n={len(times)})")
