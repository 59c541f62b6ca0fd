"""Word export and import of the sample report, as whole processes.

`qreport export --docx` (budget ≤ 1 s, DESIGN): the report as WordprocessingML, photos
placed as the PDF places them, no page layout (Word/WPS number the 目录); `qreport import`
reads that .docx back into a new report (outline, text, tables, figures, values). Runs
alternate with the start-up alone and use bytecode (`_common`).

    python benchmarks/bench_docx.py [RUNS] [--before TREE]

--before TREE runs another checkout (`git archive <commit> | tar -x -C TREE`) in the same
loop, alternating.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import export_and_import_main

if __name__ == "__main__":
    export_and_import_main(".docx", 5)
