"""PDF export of the sample report against LibreOffice, as whole processes.

The budget (DESIGN): the whole-process CPU time of `qreport export --pdf` of the sample is at
most 1/8 of LibreOffice's converting the same content from .docx (docx_of_sample.py), measured
in the same run, alternating; and the export takes ≤ 1 s. CPU time is user + system of the
process and everything it waited for (LibreOffice's soffice.bin included), so a busy machine
changes it far less than wall time.

    python benchmarks/bench_pdf.py [RUNS] [--before TREE]

--before TREE also runs another checkout's `qreport` (e.g. `git archive <commit> | tar -x -C
TREE`), alternating with this one, with reportlab's C helpers hidden (rl-accel is new).
The first run of each fills the font cache; it is made before measuring.

Measured processes run with bytecode present, as an installed copy does: the trees are
compiled first (`compileall`) and PYTHONDONTWRITEBYTECODE is removed from their
environment (without .pyc files every run recompiles the project: ~100 ms more CPU).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import QREPORT, ROOT, compile_trees, measured, runs_and_before, summary

NO_ACCEL = "import sys; sys.modules['_rl_accel'] = None; from desktop.cli import main; sys.exit(main())"


def median_ms(values: list[float]) -> float:
    return 1000 * statistics.median(values)


def main(runs: int = 10, before: Path | None = None) -> None:
    compile_trees(ROOT, *([before] if before else []))  # `measured` keeps .pyc files
    tmp = Path(tempfile.mkdtemp(prefix="qreport-bench-"))
    sample = tmp / "sample.qreport"
    env = {"QREPORT_HOME": str(tmp / "home")}
    measured([*QREPORT, "sample", str(sample)], 1, env=env)
    ours_cmd = [*QREPORT, "export", str(sample), "--pdf", str(tmp / "r.pdf")]
    measured(ours_cmd, 1, env=env)  # fills the font cache, as the first export on a machine does
    base = measured([sys.executable, "-c", "import desktop.cli"], runs)
    table = measured([*QREPORT, "export", str(sample), "--pdf", str(tmp / "t.pdf"), "--table-only"],
                     runs, env=env)
    print(summary("start-up (import desktop.cli), wall", [w for w, _ in base]))
    print(summary("start-up (import desktop.cli), CPU", [c for _, c in base]))
    print(summary("export --pdf --table-only, wall", [w for w, _ in table]))
    print(summary("export --pdf --table-only, CPU", [c for _, c in table]))

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        print("LibreOffice comparison skipped: no soffice on PATH")
        return
    from docx_of_sample import build_docx

    source = tmp / "sample.docx"
    build_docx(sample, source)
    profile = tmp / "lo-profile"  # a private profile: no first-start wizard, no lock conflicts
    lo_cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
              "--convert-to", "pdf", "--outdir", str(tmp / "lo"), str(source)]
    measured(lo_cmd, 1)  # warm-up: creates the profile
    before_cmd = None
    if before is not None:
        before_cmd = [sys.executable, "-c", NO_ACCEL, "export", str(sample), "--pdf", str(tmp / "b.pdf")]
        measured(before_cmd, 1, env=env, cwd=before)
    ours, theirs, old = [], [], []
    for _ in range(runs):  # alternating, so all see the same machine load
        ours += measured(ours_cmd, 1, env=env)
        theirs += measured(lo_cmd, 1)
        if before_cmd:
            old += measured(before_cmd, 1, env=env, cwd=before)
    pages = subprocess.run(["pdfinfo", str(tmp / "lo" / "sample.pdf")], capture_output=True,
                           text=True).stdout
    lo_pages = next((ln.split()[-1] for ln in pages.splitlines() if ln.startswith("Pages")), "?")
    print(summary("qreport export --pdf, wall", [w for w, _ in ours]))
    print(summary("qreport export --pdf, CPU", [c for _, c in ours]))
    print(summary(f"LibreOffice .docx → PDF ({lo_pages} p.), wall", [w for w, _ in theirs]))
    print(summary(f"LibreOffice .docx → PDF ({lo_pages} p.), CPU", [c for _, c in theirs]))
    if old:
        print(summary("before: export --pdf, wall", [w for w, _ in old]))
        print(summary("before: export --pdf, CPU", [c for _, c in old]))
    ratio = statistics.median(c for _, c in theirs) / statistics.median(c for _, c in ours)
    print(f"CPU time: qreport {median_ms([c for _, c in ours]):.0f} ms, LibreOffice "
          f"{median_ms([c for _, c in theirs]):.0f} ms: 1/{ratio:.1f}   (goal ≤ 1/8)")
    if old:
        print(f"before: {median_ms([c for _, c in old]):.0f} ms CPU: 1/"
              f"{statistics.median(c for _, c in theirs) / statistics.median(c for _, c in old):.1f}")


if __name__ == "__main__":
    main(*runs_and_before(sys.argv[1:], 10))
