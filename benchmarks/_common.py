"""Helpers for whole-process benchmarks: run a command N times, report median and max.

Wall time depends on what else the machine does; CPU time (user + system of the process and
of everything it waited for, from getrusage(RUSAGE_CHILDREN)) much less, so comparisons
between programs are made on CPU time, alternating runs.

Measured processes run with bytecode, as an installed copy does: the tree is compiled once
first and PYTHONDONTWRITEBYTECODE (set in some development shells) is removed from their
environment; without bytecode every run would compile the project's modules again.
"""

from __future__ import annotations

import compileall
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QREPORT = [sys.executable, "-m", "desktop"]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


_compiled: set[Path] = set()


def compile_trees(*trees: Path) -> None:
    """Compile the project's code in each checkout once, as an installed copy has it."""
    for tree in trees:
        if tree not in _compiled:
            for package in ("desktop", "db"):
                compileall.compile_dir(tree / package, quiet=1)
            _compiled.add(tree)


def with_bytecode(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a measured process: this tree compiled, bytecode allowed."""
    compile_trees(ROOT)
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return dict(base, **(env or {}))


def measured(cmd: list[str], runs: int, setup=None, env=None, ok_codes=(0,), cwd=ROOT
             ) -> list[tuple[float, float]]:
    """(wall seconds, CPU seconds) of each run."""
    results = []
    env = with_bytecode(env)
    for _ in range(runs):
        if setup:
            setup()
        cpu = _children_cpu()
        start = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, cwd=cwd, env=env)
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


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def export_and_import(flag: str, suffix: str, runs: int, edition: str = "2022",
                      before: Path | None = None, into: Path | None = None
                      ) -> dict[str, list[tuple[float, float]]]:
    """The sample exported with `flag` (--xlsx, --docx) and that file imported into a new
    report of its edition, as whole processes, alternating run by run with the start-up alone
    (`import desktop.cli`) so that a change in the machine's load touches all of them alike.
    `before`: another checkout (`git archive <commit> | tar -x -C TREE`) run the same way in
    the same loop, importing the same file. `into`: a bureau's blank workbook, also filled
    (`export --xlsx … --into`). Returns (wall, CPU) seconds per run for "start-up", "export",
    "import", "fill" (and "before: export", "before: import", "before: fill")."""
    tmp = Path(tempfile.mkdtemp(prefix="qreport-bench-"))
    sample, book, target = tmp / "sample.qreport", tmp / f"sample{suffix}", tmp / "target.qreport"
    measured([*QREPORT, "sample", str(sample)], 1)
    home = {"QREPORT_HOME": str(tmp / "home")}

    def fresh_target():
        for p in tmp.glob("target.qreport*"):
            p.unlink()
        measured([*QREPORT, "new", str(target), "--school", "聊城高级工程职业学校", "--edition", edition], 1)

    steps = {
        "start-up": ([sys.executable, "-c", "import desktop.cli"], None, ROOT),
        "export": ([*QREPORT, "export", str(sample), flag, str(book)], None, ROOT),
        "import": ([*QREPORT, "import", str(target), str(book)], fresh_target, ROOT),
    }
    if into is not None:
        fill = [*QREPORT, "export", str(sample), "--xlsx", str(tmp / "filled.xlsx"), "--into", str(into)]
        steps["fill"] = (fill, None, ROOT)
    if before is not None:
        compile_trees(before)
        old_book = tmp / f"before{suffix}"
        steps["before: export"] = ([*QREPORT, "export", str(sample), flag, str(old_book)], None, before)
        steps["before: import"] = ([*QREPORT, "import", str(target), str(book)], fresh_target, before)
        if into is not None:
            steps["before: fill"] = (fill, None, before)
    for cmd, setup, cwd in steps.values():  # once unmeasured: bytecode, the OS's file cache
        measured(cmd, 1, setup=setup, env=home, cwd=cwd)
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in steps}
    for _ in range(runs):
        for name, (cmd, setup, cwd) in steps.items():
            results[name] += measured(cmd, 1, setup=setup, env=home, cwd=cwd)
    return results


def print_export_and_import(what: str, results: dict[str, list[tuple[float, float]]]) -> None:
    """Each step's wall and CPU time, and export and import beyond start-up (median CPU)."""
    for name, runs in results.items():
        print(summary(f"{name} ({what}), wall", [w for w, _ in runs]))
        print(summary(f"{name} ({what}), CPU", [c for _, c in runs]))
    base = median_ms([c for _, c in results["start-up"]])
    for prefix in ("", "before: "):
        if f"{prefix}export" not in results:
            continue
        beyond = {step: median_ms([c for _, c in results[prefix + step]]) - base
                  for step in ("export", "import", "fill") if prefix + step in results}
        print(f"{prefix}beyond start-up ({base:.0f} ms), CPU medians: "
              + ", ".join(f"{step} {ms:.0f} ms" for step, ms in beyond.items()))


def export_and_import_main(suffix: str, default_runs: int, fill: bool = False) -> None:
    """The command line of bench_xlsx.py and bench_docx.py: [RUNS] [--before TREE]. `fill`:
    also fill a bureau's blank workbook (the tests' province A form: logo, formulas, merges)."""
    runs, before = runs_and_before(sys.argv[1:], default_runs)
    into = None
    if fill:
        sys.path.insert(0, str(ROOT))
        from tests.desktop.formats.bureau_books import province_a

        into = province_a(Path(tempfile.mkdtemp(prefix="qreport-bench-")) / "blank.xlsx")
    results = export_and_import(f"--{suffix[1:]}", suffix, runs, before=before, into=into)
    print_export_and_import(suffix[1:], results)


def runs_and_before(args: list[str], default_runs: int) -> tuple[int, Path | None]:
    """A benchmark's command line, [RUNS] [--before TREE]: the runs, and the other checkout."""
    args = list(args)
    before = None
    if "--before" in args:
        i = args.index("--before")
        before = Path(args[i + 1]).resolve()
        del args[i:i + 2]
    return (int(args[0]) if args else default_runs), before
