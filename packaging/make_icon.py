"""Draw the application icon (resources/icons/qreport.png and .ico) with Pillow.

A rounded blue tile with a white 质 (质量: quality) in the bundled Noto Sans SC Bold and a
small bar chart: recognisable at 16 px in a Windows taskbar.

    python packaging/make_icon.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "resources" / "icons"


def draw(size: int = 512) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(image)
    d.rounded_rectangle([0, 0, size - 1, size - 1], radius=size // 6, fill=(25, 94, 168, 255))
    font = ImageFont.truetype(str(ROOT / "resources" / "fonts" / "NotoSansSC_700Bold.ttf"), int(size * 0.62))
    d.text((size * 0.44, size * 0.46), "质", font=font, fill="white", anchor="mm")
    bar = size // 14
    for i, h in enumerate((0.18, 0.30, 0.42)):
        x = size * 0.76 + i * (bar + size // 60)
        d.rectangle([x, size * (0.86 - h), x + bar, size * 0.86], fill=(255, 200, 60, 255))
    return image


if __name__ == "__main__":
    ICONS.mkdir(parents=True, exist_ok=True)
    icon = draw()
    icon.resize((256, 256), Image.Resampling.LANCZOS).save(ICONS / "qreport.png")
    sizes = [(n, n) for n in (16, 24, 32, 48, 64, 128, 256)]
    icon.save(ICONS / "qreport.ico", sizes=sizes)
    print(f"wrote {ICONS / 'qreport.png'} and {ICONS / 'qreport.ico'}")
