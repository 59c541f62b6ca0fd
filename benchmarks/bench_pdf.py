"""PDF export of the sample report, as whole processes (budget: ≤ 1 s).

Reports the whole `qreport export --pdf` process, start-up (Python + `import desktop.cli`)
for reference, and the table-only PDF; then, when LibreOffice (`soffice`) and python-docx
are installed, LibreOffice converting the same content from .docx (built by
docx_of_sample.py), alternating with qreport in the same run (DESIGN: ≥ 10× faster).

    python benchmarks/bench_pdf.py [RUNS]
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import QREPORT, summary, timed


def main(runs: int = 10) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="qreport-bench-"))
    sample = tmp / "sample.qreport"
    env = {"QREPORT_HOME": str(tmp / "home")}
    timed([*QREPORT, "sample", str(sample)], 1, env=env)
    base = timed([sys.executable, "-c", "import desktop.cli"], runs)
    full = timed([*QREPORT, "export", str(sample), "--pdf", str(tmp / "r.pdf")], runs, env=env)
    table = timed(
        [*QREPORT, "export", str(sample), "--pdf", str(tmp / "t.pdf"), "--table-only"],
        runs,
        env=env,
    )
    print(summary("start-up (import desktop.cli)", base))
    print(summary("qreport export --pdf (sample)", full))
    print(summary("qreport export --pdf --table-only", table))
    print(f"whole process: {1000 * statistics.median(full):.0f} ms   (goal ≤ 1000 ms)")
    compare_with_libreoffice(tmp, sample, env, max(3, runs // 2))


def compare_with_libreoffice(tmp: Path, sample: Path, env: dict, runs: int) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    try:
        import docx  # noqa: F401
    except ImportError:
        soffice = None
    if not soffice:
        print("LibreOffice comparison skipped: needs soffice and python-docx (pip install .[bench])")
        return
    from docx_of_sample import build_docx

    source = tmp / "sample.docx"
    build_docx(sample, source)
    profile = tmp / "lo-profile"  # a private profile: no first-start wizard, no lock conflicts
    lo_cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
              "--convert-to", "pdf", "--outdir", str(tmp / "lo"), str(source)]
    subprocess.run(lo_cmd, capture_output=True, check=True)  # warm-up: creates the profile
    ours, theirs, cold = [], [], []
    for n in range(runs):  # alternating, so both see the same machine load
        ours += timed([*QREPORT, "export", str(sample), "--pdf", str(tmp / "r.pdf")], 1, env=env)
        start = time.perf_counter()
        subprocess.run(lo_cmd, capture_output=True, check=True)
        theirs.append(time.perf_counter() - start)
        # a fresh profile: what the first conversion on a machine (or in a clean session) costs
        fresh = [lo_cmd[0], f"-env:UserInstallation={(tmp / f'lo-fresh-{n}').as_uri()}", *lo_cmd[2:]]
        start = time.perf_counter()
        subprocess.run(fresh, capture_output=True, check=True)
        cold.append(time.perf_counter() - start)
    pages = subprocess.run(["pdfinfo", str(tmp / "lo" / "sample.pdf")], capture_output=True,
                           text=True).stdout
    lo_pages = next((ln.split()[-1] for ln in pages.splitlines() if ln.startswith("Pages")), "?")
    print(summary("qreport export --pdf (alternating)", ours))
    print(summary(f"LibreOffice .docx → PDF ({lo_pages} pages)", theirs))
    print(summary("LibreOffice, fresh profile each run", cold))
    warm = statistics.median(theirs) / statistics.median(ours)
    first = statistics.median(cold) / statistics.median(ours)
    print(f"qreport is {warm:.1f}× faster than LibreOffice with a warm profile, "
          f"{first:.1f}× with a fresh one   (goal ≥ 10×)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
