"""Reading a Word report (.docx; .doc/.wps through LibreOffice) into plain blocks.

No template knowledge here: this returns, in reading order, each paragraph with what its
look says (style, outline level, bold, East Asian font, size, centring, pictures) and each
table as rows of cells.  Which paragraph is a heading, which chapter it opens and what a
table means is the importer's business (`desktop.word_import`).

What school documents do that matters here:
- headings are rarely styled: their look (bold, 黑体/楷体, a numbering) is all there is;
- Word's own 目录 sits in a content control or in "toc N" paragraphs: marked `toc`;
- a soft line break (Shift+Enter) is kept as "\\n", a tab as "\\t";
- pictures are inline (DrawingML), old VML (documents converted from .doc) or inside table
  cells (photos side by side with their captions under them);
- a chapter back from review carries Word's tracked changes (修订): it is read as if they were
  accepted — inserted and moved-here text kept, deleted and moved-away text and deleted table
  rows left out, two paragraphs whose mark between them was deleted one; comments are not
  text; a content control still showing its placeholder (单击或点击此处输入文字。) is Word's
  prompt, not the school's words;
- text in a text box (a 案例 framed in the body) follows the paragraph it is anchored to,
  read once: the fallback (VML) copy of a shape is left out; on the cover it goes with the
  cover, which the importer leaves out anyway.

Untrusted input: the zip directory is checked (sizes, ratios) before any XML is parsed, and
python-docx parses without resolving entities.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from msgspec import Struct, field
from msgspec.structs import replace

from desktop.errors import UserError
from desktop.formats import compound

MB = 1024 * 1024
MAX_FILE_BYTES = 200 * MB  # a report with a hundred photos is tens of MB
MAX_MEMBERS = 5000
MAX_MEMBER_BYTES = 100 * MB
MAX_TOTAL_BYTES = 500 * MB
MAX_RATIO = 100
RATIO_MIN_BYTES = 1 * MB
CONVERT_TIMEOUT = 180  # seconds LibreOffice may take to turn a .doc into a .docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
V = "{urn:schemas-microsoft-com:vml}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"

HEI_FONTS = ("黑", "simhei", "yahei", "雅黑", "标宋", "biaosong", "楷", "kai", "heiti", "sans")


class WordError(UserError):
    """A Word file that cannot be read, with one plain sentence saying why."""


class Para(Struct):
    text: str  # runs joined; soft line breaks as "\n", tabs as "\t"
    style: str = ""  # the paragraph style's name as python-docx shows it ("Heading 1", "表格文字")
    outline: int | None = None  # 0-based outline level from the style or the paragraph
    bold: bool = False  # every visible character bold
    bold_lead: str = ""  # a bold beginning when the rest is not ("1.党建引领。" + body text)
    hei: bool = False  # every visible character in a heading face (黑体, 楷体, 小标宋 …)
    size: float | None = None  # points, of the first visible run
    centred: bool = False
    numbered: bool = False  # Word list numbering (w:numPr): its number is not in `text`
    images: list[bytes] = field(default_factory=list)
    toc: bool = False  # a 目录 line
    page_break_before: bool = False


class Cell(Struct):
    paras: list[Para]
    # a cell continuing a vertical merge has no text of its own; Word shows the text of the
    # cell that starts the merge across it (a 所属系部 over its majors): that cell's paragraphs
    spanned: list[Para] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paras if p.text.strip()).strip()

    @property
    def images(self) -> list[bytes]:
        return [i for p in self.paras for i in p.images]


class Table(Struct):
    rows: list[list[Cell]]  # merged cells: the first carries the text, the others are empty
    ruled: bool = True  # has borders (a photo layout table usually has none)

    def texts(self) -> list[list[str]]:
        return [[c.text for c in row] for row in self.rows]

    @property
    def images(self) -> list[bytes]:
        return [i for row in self.rows for c in row for i in c.images]


Block = Para | Table


class WordDocument(Struct):
    name: str  # the file name, for messages
    blocks: list[Block]
    converted: bool = False  # read from a .doc/.wps through LibreOffice


def read_docx(path: str | os.PathLike[str]) -> WordDocument:
    """The blocks of a .docx, or of a .doc/.wps converted by LibreOffice when installed."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise WordError(f"找不到文件 {path}。")
    ole = _compound_kind(path)
    if ole == compound.ENCRYPTED:
        raise WordError(compound.password_sentence(path.name, "Word"))
    if ole == compound.XLS:
        raise WordError(f"{path.name} 是 Excel 工作簿，不是 Word 文档：数据表请用“从 Excel 导入”导入。")
    if suffix in (".doc", ".wps", ".rtf", ".odt") or ole == compound.DOC:  # also a .doc renamed .docx
        with tempfile.TemporaryDirectory(prefix="qreport-doc-") as tmp:
            converted = convert_to_docx(path, Path(tmp))
            doc = _read(converted, path.name)
            doc.converted = True
            return doc
    return _read(path, path.name)


def convert_to_docx(path: Path, outdir: Path) -> Path:
    """A .doc/.wps as .docx in `outdir`, through LibreOffice; WordError when it cannot be."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise WordError(f"{path.name} 是旧版 Word/WPS 格式，本机没有安装 LibreOffice 无法转换："
                        "请在 Word 或 WPS 中“另存为” .docx 后再导入。")
    profile = outdir / "profile"
    # A copy with a plain name: LibreOffice names its output after the input. In a folder of
    # its own, so that a .doc renamed .docx is not overwritten by its own output.
    source = outdir / "in" / ("source" + path.suffix.lower())
    source.parent.mkdir()
    shutil.copyfile(path, source)
    try:
        subprocess.run(
            [soffice, "--headless", f"-env:UserInstallation={profile.as_uri()}",
             "--convert-to", "docx", "--outdir", str(outdir), str(source)],
            check=True, capture_output=True, timeout=CONVERT_TIMEOUT)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        raise WordError(_cannot_convert(path)) from exc
    out = outdir / "source.docx"
    if not out.is_file():
        raise WordError(_cannot_convert(path))
    return out


def _cannot_convert(path: Path) -> str:
    return f"LibreOffice 无法转换 {path.name}：请在 Word 或 WPS 中“另存为” .docx 后再导入。"


# ----------------------------------------------------------------------------- safety
def _compound_kind(path: Path) -> str | None:
    """compound.kind of the file: None for a zip (a .docx) or anything else not a compound file."""
    try:
        with path.open("rb") as f:
            if not compound.is_compound(f.read(len(compound.MAGIC))):
                return None
            return compound.kind(compound.MAGIC + f.read(MAX_FILE_BYTES))
    except OSError as exc:
        raise WordError(_unreadable(exc, path.name)) from exc


def _check_zip(path: Path, name: str) -> None:
    bad = f"{name} 不是有效的 Word 文档（.docx），可能已损坏。"
    if path.stat().st_size > MAX_FILE_BYTES:
        raise WordError(f"{name} 超过 {MAX_FILE_BYTES // MB} MB，不像一份报告，已拒绝读取。")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except OSError as exc:  # an intact file we may not read is not a damaged one
        raise WordError(_unreadable(exc, name)) from exc
    except (zipfile.BadZipFile, ValueError) as exc:
        raise WordError(bad) from exc
    if len(infos) > MAX_MEMBERS:
        raise WordError(f"{name} 内部文件过多，已拒绝读取。")
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES or (
                info.file_size > RATIO_MIN_BYTES and ratio > MAX_RATIO):
            raise WordError(f"{name} 解压后异常巨大（可能是“压缩炸弹”），已拒绝读取。")
    if "word/document.xml" not in {i.filename for i in infos}:
        raise WordError(bad)


def _read(path: Path, name: str) -> WordDocument:
    from docx import Document as Docx

    _check_zip(path, name)
    try:
        docx = Docx(str(path))  # python-docx reads and parses every part here
    except Exception as exc:
        sentence = damage(exc, name)
        if sentence is None:
            raise  # not damage but a fault of ours: shown as one, never as a damaged file
        raise WordError(sentence) from exc
    body = docx.element.body
    if body is None:  # a document part without its w:body (hand-edited, or another format)
        raise WordError(f"{name} 的内容已损坏，无法读取。")
    # the parts are parsed: what goes wrong while reading them is a fault of ours, and is
    # raised as it is rather than hidden behind "damaged"
    return WordDocument(name, _Reader(docx).blocks(body))


def _unreadable(exc: OSError, name: str) -> str:
    """A file that could not be read, which says nothing of its content."""
    if isinstance(exc, PermissionError):
        return f"无法读取 {name}：没有读取它的权限，或它正被其他程序打开。请关闭后重试，或先复制到本机。"
    return f"读取 {name} 时出错（磁盘、U 盘或网络故障）：请先把文件复制到本机再导入。"


def damage(exc: BaseException, name: str) -> str | None:
    """The sentence for an exception python-docx raises on a damaged file (a cut-off or
    corrupted zip, a broken XML part, a missing part); None for anything else."""
    import zlib

    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree

    if isinstance(exc, etree.LxmlError):  # a part that is not well-formed XML
        return f"{name} 的内容已损坏，无法读取。"
    if isinstance(exc, OSError):
        return _unreadable(exc, name)
    if isinstance(exc, ValueError) and "content type is" in str(exc):
        # python-docx reads only a plain document: a macro-enabled .docm or a template
        # (.dotx) is an intact file of another kind, not a damaged one
        return (f"{name} 是启用宏的文档或模板等其他 Word 格式，不是普通的 .docx：请在 Word 或 WPS 中"
                f"“另存为” Word 文档（.docx）后再导入。")
    if isinstance(exc, PackageNotFoundError | zipfile.BadZipFile | zlib.error | EOFError
                  | KeyError | ValueError):
        # not a zip, a member whose data or CRC is wrong, a part the package names but lacks
        return f"{name} 不是有效的 Word 文档（.docx），可能已损坏。"
    return None


# ----------------------------------------------------------------------------- reading
class _Style:
    """What a paragraph style chain says: name, outline level, bold, East Asian font, size."""

    def __init__(self, name: str, outline, bold, east, size, centred):
        self.name, self.outline, self.bold, self.east, self.size = name, outline, bold, east, size
        self.centred = centred


def _on(el) -> bool | None:
    """A toggle property (w:b): None when absent."""
    if el is None:
        return None
    return el.get(W + "val", "true") not in ("0", "false", "off", "none")


class _Reader:
    def __init__(self, docx) -> None:
        self.part = docx.part
        self.styles: dict[str, _Style] = {}
        self._style_elements = {s.get(W + "styleId"): s
                                for s in docx.styles.element.findall(W + "style")}
        defaults = docx.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
        self.default_east = _east(defaults) or ""
        self.default_size = _size(defaults)
        self.default_para = next((sid for sid, s in self._style_elements.items()
                                  if s.get(W + "type") == "paragraph"
                                  and s.get(W + "default") in ("1", "true")), "Normal")

    def style(self, sid: str | None) -> _Style:
        sid = sid or self.default_para
        cached = self.styles.get(sid)
        if cached is not None:
            return cached
        chain, seen = [], set()
        el = self._style_elements.get(sid)
        while el is not None and el.get(W + "styleId") not in seen:
            seen.add(el.get(W + "styleId"))
            chain.append(el)
            based = el.find(W + "basedOn")
            el = self._style_elements.get(based.get(W + "val")) if based is not None else None
        name = ""
        if chain:
            name_el = chain[0].find(W + "name")
            name = name_el.get(W + "val", "") if name_el is not None else ""
        outline = bold = east = size = centred = None
        for el in chain:
            ppr, rpr = el.find(W + "pPr"), el.find(W + "rPr")
            if outline is None and ppr is not None:
                level = ppr.find(W + "outlineLvl")
                if level is not None and level.get(W + "val", "").isdigit():
                    outline = int(level.get(W + "val"))
            if centred is None and ppr is not None and ppr.find(W + "jc") is not None:
                centred = ppr.find(W + "jc").get(W + "val") == "center"
            if rpr is not None:
                bold = _on(rpr.find(W + "b")) if bold is None else bold
                east = east or _east(rpr)
                size = size or _size(rpr)
        if outline is None:
            for el in chain:  # "heading 2" without an outline level of its own
                n = el.find(W + "name")
                text = (n.get(W + "val", "") if n is not None else "").lower()
                if text.startswith(("heading ", "标题 ")) and text[-1].isdigit():
                    outline = int(text.split()[-1]) - 1
                    break
        if outline is not None and outline > 8:
            outline = None  # 9 is "body text"
        style = _Style(name.replace("heading", "Heading", 1) if name.startswith("heading") else name,
                       outline, bool(bold), east or self.default_east, size or self.default_size,
                       bool(centred))
        self.styles[sid] = style
        return style

    def blocks(self, container, toc: bool = False) -> list[Block]:
        out: list[Block] = []
        joined: Para | None = None  # a paragraph whose mark was deleted: it runs on into the next
        held: list[Block] = []  # the text boxes anchored in `joined`: they follow it

        def settle() -> None:
            # what comes next is not a paragraph (a table, a content control): Word keeps
            # the mark before it, so the text stays where it stands (bookmarks and the
            # like between the two paragraphs do not count)
            nonlocal joined
            if joined is not None and (joined.text or joined.images):
                out.append(joined)
            out.extend(held)
            joined = None
            held.clear()

        for child in container:
            tag = child.tag
            if tag == W + "p":
                para = self.paragraph(child, toc)
                if joined is not None:
                    para = _run_on(joined, para)
                    joined = None
                boxes = [b for box in _text_boxes(child) for b in self.blocks(box, toc)]
                if child.find(f"{W}pPr/{W}rPr/{W}del") is not None:
                    joined = para
                    held.extend(boxes)
                else:
                    out.append(para)
                    out.extend(held)
                    held.clear()
                    out.extend(boxes)
                continue
            if tag == W + "tbl":
                settle()
                out.append(self.table(child))
            elif tag == W + "sdt":
                settle()
                content = _sdt_content(child)
                if content is not None:
                    gallery = child.find(f"{W}sdtPr/{W}docPartObj/{W}docPartGallery")
                    is_toc = gallery is not None and "Contents" in gallery.get(W + "val", "")
                    out.extend(self.blocks(content, toc or is_toc))
            elif tag in _KEPT_WRAPPERS:
                settle()
                out.extend(self.blocks(child, toc))
        settle()  # the last paragraph of a cell or text box: nothing to run on into
        return out

    def paragraph(self, p, toc: bool = False) -> Para:
        ppr = p.find(W + "pPr")
        sid = None
        outline = None
        centred = None
        numbered = False
        page_break = False
        if ppr is not None:
            ps = ppr.find(W + "pStyle")
            sid = ps.get(W + "val") if ps is not None else None
            level = ppr.find(W + "outlineLvl")
            if level is not None and level.get(W + "val", "").isdigit():
                outline = int(level.get(W + "val"))
                outline = None if outline > 8 else outline
            jc = ppr.find(W + "jc")
            if jc is not None:
                centred = jc.get(W + "val") == "center"
            numbered = ppr.find(W + "numPr") is not None
            page_break = _on(ppr.find(W + "pageBreakBefore")) or False
        style = self.style(sid)
        if outline is None:
            outline = style.outline
        parts: list[str] = []
        images: list[bytes] = []
        runs: list[tuple[str, bool, str, float | None]] = []  # text, bold, east font, size
        self._collect(p, style, parts, images, runs)
        text = "".join(parts)
        visible = [(t, b, e, s) for t, b, e, s in runs if t.strip()]
        bold = bool(visible) and all(b for _, b, _, _ in visible)
        hei = bool(visible) and all(_is_hei(e) for _, _, e, _ in visible)
        lead = ""
        if visible and visible[0][1] and not bold:
            for t, b, _, _ in runs:
                if not b and t.strip():
                    break
                lead += t
        size = visible[0][3] if visible else style.size
        name = style.name
        is_toc = toc or name.lower().startswith("toc ")
        return Para(text=text, style=name, outline=outline, bold=bold, bold_lead=lead.strip(),
                    hei=hei, size=size, centred=centred if centred is not None else style.centred,
                    numbered=numbered or _style_numbered(self._style_elements.get(sid)),
                    images=images, toc=is_toc, page_break_before=page_break)

    def _collect(self, el, style: _Style, parts, images, runs) -> None:
        for child in el:
            tag = child.tag
            if tag == W + "r":
                self._run(child, style, parts, images, runs)
            elif tag == W + "sdt":
                content = _sdt_content(child)
                if content is not None:
                    self._collect(content, style, parts, images, runs)
            elif tag in _KEPT_WRAPPERS:  # w:del and w:moveFrom (what the tracked changes took out) are not
                self._collect(child, style, parts, images, runs)
            elif tag == MC + "AlternateContent":
                choice = child.find(MC + "Choice")
                if choice is not None:
                    self._collect(choice, style, parts, images, runs)

    def _run(self, r, style: _Style, parts, images, runs) -> None:
        rpr = r.find(W + "rPr")
        bold = style.bold
        east = style.east
        size = style.size
        if rpr is not None:
            b = _on(rpr.find(W + "b"))
            bold = bold if b is None else b
            rs = rpr.find(W + "rStyle")
            if rs is not None and b is None:
                cs = self._style_elements.get(rs.get(W + "val"))
                crpr = cs.find(W + "rPr") if cs is not None else None
                if crpr is not None and _on(crpr.find(W + "b")) is not None:
                    bold = _on(crpr.find(W + "b"))
            east = _east(rpr) or east
            size = _size(rpr) or size
            if _on(rpr.find(W + "vanish")):
                return  # hidden text
        text = []
        for child in r:
            tag = child.tag
            if tag == W + "t":
                text.append(child.text or "")
            elif tag == W + "tab":
                text.append("\t")
            elif tag in (W + "br", W + "cr"):
                if child.get(W + "type") in ("page", "column"):
                    continue
                text.append("\n")
            elif tag == W + "noBreakHyphen":
                text.append("-")
            elif tag == W + "drawing":
                images.extend(self._drawing_images(child))
            elif tag == W + "pict" or tag == W + "object":
                images.extend(self._vml_images(child))
            elif tag == MC + "AlternateContent":
                choice = child.find(MC + "Choice")
                if choice is not None:
                    for sub in choice:
                        if sub.tag == W + "drawing":
                            images.extend(self._drawing_images(sub))
        joined = "".join(text)
        parts.append(joined)
        runs.append((joined, bool(bold), east or "", size))

    def _drawing_images(self, drawing) -> list[bytes]:
        from desktop.charts import CHART_MARK, ChartMark

        for pr in drawing.iter(WP + "docPr"):
            descr = pr.get("descr") or ""
            if descr.startswith(CHART_MARK):  # one of our charts: its spec, not its picture
                return [ChartMark(descr[len(CHART_MARK):].encode("utf-8"))]
        out = []
        for blip in drawing.iter(A + "blip"):
            rid = blip.get(R + "embed")
            data = self._image(rid)
            if data is not None:
                out.append(data)
        return out

    def _vml_images(self, pict) -> list[bytes]:
        out = []
        for image in pict.iter(V + "imagedata"):
            data = self._image(image.get(R + "id"))
            if data is not None:
                out.append(data)
        return out

    def _image(self, rid: str | None) -> bytes | None:
        if not rid:
            return None
        part = self.part.related_parts.get(rid) if hasattr(self.part, "related_parts") else None
        if part is None:
            try:
                part = self.part.rels[rid].target_part
            except (KeyError, ValueError):
                return None
        blob = getattr(part, "blob", None)
        return blob if blob else None

    def table(self, tbl) -> Table:
        rows: list[list[Cell]] = []
        above: dict[int, list[Para]] = {}  # each column's last cell that starts a merge
        for tr in _within(tbl, W + "tr"):
            if tr.find(f"{W}trPr/{W}del") is not None:
                continue  # a row deleted with the tracked changes
            row: list[Cell] = []
            for tc in _within(tr, W + "tc"):
                tcpr = tc.find(W + "tcPr")
                span = 1
                continuation = False
                if tcpr is not None:
                    gs = tcpr.find(W + "gridSpan")
                    if gs is not None and gs.get(W + "val", "1").isdigit():
                        span = max(1, min(int(gs.get(W + "val")), 64))
                    vm = tcpr.find(W + "vMerge")
                    continuation = vm is not None and vm.get(W + "val", "continue") == "continue"
                paras = [] if continuation else [b for b in self.blocks(tc) if isinstance(b, Para)]
                for nested in ([] if continuation else _within(tc, W + "tbl")):
                    for nrow in self.table(nested).rows:
                        for c in nrow:
                            paras.extend(c.paras)
                column = len(row)
                if not continuation:
                    above[column] = paras
                row.append(Cell(paras, spanned=above.get(column, []) if continuation else []))
                row.extend(Cell([]) for _ in range(span - 1))
            rows.append(row)
        return Table(rows, ruled=_ruled(tbl, self._style_elements))


def _east(rpr) -> str | None:
    if rpr is None:
        return None
    fonts = rpr.find(W + "rFonts")
    if fonts is None:
        return None
    east = fonts.get(W + "eastAsia")
    if east is None and fonts.get(W + "hint") == "eastAsia":
        east = fonts.get(W + "ascii")  # WPS names the face once and says it is for CJK
    return east


def _size(rpr) -> float | None:
    if rpr is None:
        return None
    sz = rpr.find(W + "sz")
    if sz is None or not sz.get(W + "val", "").isdigit():
        return None
    return int(sz.get(W + "val")) / 2


def _is_hei(font: str) -> bool:
    f = font.lower()
    return any(k in f for k in HEI_FONTS)


def _style_numbered(style_el) -> bool:
    return style_el is not None and style_el.find(f"{W}pPr/{W}numPr") is not None


# Elements whose content reads as if they were not there: a hyperlink, a field, a smart tag,
# custom XML, and the content that tracked changes inserted (w:ins) or moved here (w:moveTo).
_KEPT_WRAPPERS = frozenset(W + tag for tag in ("hyperlink", "smartTag", "customXml", "fldSimple", "ins",
                                               "moveTo", "dir", "bdo"))


def _run_on(first: Para, second: Para) -> Para:
    """Two paragraphs joined by deleting the mark between them with tracked changes: one
    paragraph, with the second's paragraph properties (Word keeps them in the mark that stays)."""
    if not first.text.strip() and not first.images:
        return second
    lead = first.text.strip() if first.bold and not second.bold else first.bold_lead
    return replace(second, text=first.text + second.text, images=first.images + second.images,
                   bold=first.bold and second.bold, hei=first.hei and second.hei, bold_lead=lead,
                   size=first.size)


def _sdt_content(sdt):
    """A content control's content; None while it still shows its placeholder
    (单击或点击此处输入文字。), which is Word's prompt and not the school's text."""
    if sdt.find(f"{W}sdtPr/{W}showingPlcHdr") is not None:
        return None
    return sdt.find(W + "sdtContent")


def _within(parent, tag: str) -> list:
    """`parent`'s children with `tag`, also those inside content controls (a repeating
    section's rows), custom XML and tracked insertions or moves."""
    out = []
    for child in parent:
        if child.tag == tag:
            out.append(child)
        elif child.tag == W + "sdt":
            content = _sdt_content(child)
            if content is not None:
                out.extend(_within(content, tag))
        elif child.tag in _KEPT_WRAPPERS:
            out.extend(_within(child, tag))
    return out


def _text_boxes(p) -> list:
    """The outermost text-box contents in a paragraph, each once: a shape's VML fallback
    copy (mc:Fallback) repeats the text of its mc:Choice."""
    out = []
    for box in p.iter(W + "txbxContent"):
        ancestor = box.getparent()
        while ancestor is not None and ancestor is not p:
            if ancestor.tag in (MC + "Fallback", W + "txbxContent", W + "del", W + "moveFrom"):
                break  # a fallback copy, a box in a box, or one the tracked changes deleted
            ancestor = ancestor.getparent()
        if ancestor is p:
            out.append(box)
    return out


def _ruled(tbl, styles) -> bool:
    """Whether the table draws its grid (its own borders, or its style's)."""
    tblpr = tbl.find(W + "tblPr")
    borders = tblpr.find(W + "tblBorders") if tblpr is not None else None
    if borders is None and tblpr is not None:
        ts = tblpr.find(W + "tblStyle")
        style = styles.get(ts.get(W + "val")) if ts is not None else None
        if style is not None:
            borders = style.find(f"{W}tblPr/{W}tblBorders")
    if borders is None:
        # No table borders: cell borders make a grid too (tables drawn by hand in WPS).
        return any(tc.find(f"{W}tcPr/{W}tcBorders") is not None for tc in tbl.iter(W + "tc")) and \
            not _only_bottom_rules(tbl)
    return any(b.get(W + "val") not in ("nil", "none") for b in borders)


def _only_bottom_rules(tbl) -> bool:
    """Cell borders that are only underlines (a form to sign, like our submission block)."""
    for borders in tbl.iter(W + "tcBorders"):
        for side in borders:
            if side.tag != W + "bottom" and side.get(W + "val") not in ("nil", "none"):
                return False
    return True
