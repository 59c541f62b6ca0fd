"""Hostile input, counted: random text into every value type, random bytes as photos,
generated and damaged workbooks into the importer. Reports inputs tried and crashes (goal 0).
A crash is any exception other than the refusal each layer promises.

    python benchmarks/fuzz_inputs.py [N]
"""

from __future__ import annotations

import io
import random
import sys
import tempfile
import traceback
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop import images, importer
from desktop.report import Report
from desktop.template import load
from desktop.values import ParseError

ALPHABET = "0123456789０１２３４５６７８９.,．，:：%％-—万亩元人m²㎡ eE+nafINF约比/\t\n壹"


def random_text(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 14)))


def main(n: int = 2000) -> int:
    rng = random.Random(42)
    template = load("2022")
    tried = crashes = 0
    for _ in range(n * 10):
        ind = rng.choice(list(template.indicators.values()))
        text = random_text(rng)
        tried += 1
        try:
            stored = ind.type.parse(text)
            if stored is not None and ind.type.parse(stored) != stored:
                raise AssertionError(f"not a round trip: {text!r} → {stored!r}")
        except ParseError:
            pass
        except Exception:
            crashes += 1
            traceback.print_exc()
    print(f"values: {n * 10} typed texts")
    good = images.placeholder("x").data
    for _ in range(n):
        raw = bytearray(good)
        for _ in range(rng.randint(1, 20)):  # flip bytes, cut, or pure noise
            raw[rng.randrange(len(raw))] = rng.randrange(256)
        if rng.random() < 0.3:
            raw = raw[: rng.randrange(len(raw))]
        if rng.random() < 0.1:
            raw = bytearray(rng.randbytes(rng.randint(0, 4000)))
        tried += 1
        try:
            images.prepare(bytes(raw))
        except images.ImageRefused:
            pass
        except Exception:
            crashes += 1
            traceback.print_exc()
    print(f"images: {n} damaged or random photos")
    tmp = Path(tempfile.mkdtemp(prefix="qreport-fuzz-"))
    report = Report.create(tmp / "r.qreport", "测试学校", "2022", 2021)
    import openpyxl

    base = tmp / "base.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "质量数据表"
    ws.append(["序号", "指标", "单位", "2020年", "2021年"])
    for ind in template.table_rows:
        ws.append([ind.seq, ind.name, ind.unit, random_text(rng), random_text(rng)])
    wb.save(base)
    good_book = base.read_bytes()
    books = max(n // 10, 20)
    for k in range(books):
        data = bytearray(good_book)
        mode = rng.random()
        if mode < 0.4:  # damage the zip bytes
            for _ in range(rng.randint(1, 10)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif mode < 0.6:
            data = data[: rng.randrange(len(data))]
        elif mode < 0.8:  # rewrite one part with garbage inside a valid zip
            src = zipfile.ZipFile(io.BytesIO(bytes(data)))
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w") as dst:
                victim = rng.choice(src.namelist())
                for name in src.namelist():
                    part = src.read(name)
                    if name == victim:
                        part = part[: rng.randrange(len(part) + 1)] + rng.randbytes(rng.randint(0, 50))
                    dst.writestr(name, part)
            data = bytearray(out.getvalue())
        book = tmp / f"b{k}.xlsx"
        book.write_bytes(bytes(data))
        tried += 1
        before = report.file.values()
        try:
            plan = importer.plan_import(report, book)
            if plan.ok:
                importer.apply(report, plan)
            elif report.file.values() != before:
                raise AssertionError("a refused plan changed the file")
        except importer.ImportRefused:
            if report.file.values() != before:
                raise AssertionError("a refused workbook changed the file") from None
        except Exception:
            crashes += 1
            traceback.print_exc()
    report.close()
    print(f"workbooks: {books} generated or damaged")
    print(f"bad inputs tried: {tried}")
    print(f"crashes: {crashes}   (goal 0)")
    return 1 if crashes else 0


if __name__ == "__main__":
    raise SystemExit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
