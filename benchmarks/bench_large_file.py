"""A report file with 10 years of values and 200 photos: opening it, as whole processes.

Budget: opens in ≤ 1 s (DESIGN). Measures `qreport check` (open + every rule) and, when the
GUI is available, `qreport gui FILE --smoke` (window shown with the report loaded).

    python benchmarks/bench_large_file.py [RUNS]
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import QREPORT, summary, timed

from desktop import images
from desktop.sample import write_sample


def camera_like(rng: random.Random) -> bytes:
    """A 12-megapixel-like JPEG with noise, so it compresses like a real photo (~0.5 MB)."""
    import io

    from PIL import Image, ImageFilter

    noise = Image.effect_noise((1000, 667), rng.uniform(20, 60)).filter(ImageFilter.GaussianBlur(1))
    image = Image.merge("RGB", (noise, noise.rotate(180), noise.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    image = image.resize((2400, 1600))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def make_file(path: Path, years: int = 10, photos: int = 200) -> None:
    rng = random.Random(10)
    with write_sample(path) as report:
        base = report.file.values()
        items = []
        for offset in range(2, years):
            year = 2021 - offset
            for (ind, y), value in base.items():
                if y == 2021:
                    items.append((ind, year, value))
        with report.file.transaction("benchmark"):
            report.file.set_values(items)
            root = report.file.chapter_root("service")
            for n in range(photos // 4):
                shots = []
                for k in range(4):
                    photo = images.prepare(camera_like(rng))
                    shots.append((photo.data, f"照片 {n}-{k}", photo.width, photo.height))
                report.file.add_figure(root, f"活动图片 {n}", shots, after=0)


def main(runs: int = 5) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="qreport-large-"))
    path = tmp / "large.qreport"
    make_file(path)
    env = {"QREPORT_HOME": str(tmp / "home"),
           "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    print(f"file: {path.stat().st_size / 1024 / 1024:.1f} MB, 10 years, 200 photos")
    print(summary("qreport check (open + rules)", timed([*QREPORT, "check", str(path)], runs, env=env,
                                                        ok_codes=(0, 1))))
    try:
        print(summary("qreport gui --smoke", timed([*QREPORT, "gui", str(path), "--smoke"], runs, env=env)))
    except Exception as exc:  # the GUI may not be installed where this runs
        print(f"gui --smoke not measured: {exc}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
