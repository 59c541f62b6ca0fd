"""The PyInstaller bundle: size on disk and start-up, against running from source.

    python packaging/build.py --clean && python benchmarks/bench_bundle.py [RUNS]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import QREPORT, ROOT, summary, timed


def main(runs: int = 5) -> int:
    exe = ROOT / "dist" / "qreport" / ("qreport.exe" if os.name == "nt" else "qreport")
    if not exe.exists():
        print("build the bundle first: python packaging/build.py --clean")
        return 1
    folder = exe.parent
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"bundle: {folder} — {size / 1024 / 1024:.0f} MB   (goal ≤ 150 MB)")
    tmp = Path(tempfile.mkdtemp(prefix="qreport-bundle-"))
    env = {"QREPORT_HOME": str(tmp / "home"),
           "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    sample = tmp / "s.qreport"
    timed([str(exe), "sample", str(sample)], 1, env=env)
    for name, cmd in (("bundle", [str(exe)]), ("source", QREPORT)):
        print(summary(f"{name}: qreport check",
                      timed([*cmd, "check", str(sample)], runs, env=env, ok_codes=(1,))))
    print(summary("bundle: gui --smoke", timed([str(exe), "gui", str(sample), "--smoke"], runs, env=env)))
    print(summary("source: gui --smoke", timed([*QREPORT, "gui", str(sample), "--smoke"], runs, env=env)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5))
