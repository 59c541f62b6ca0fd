"""A finding of `qreport check`, and the context every checker reads and adds to.

Checkers live in their own modules (rules.py: the edition's relations and tables;
plausibility.py: values that look unlikely across years; completeness.py: what is still
empty) and are listed in rules.CHECKERS; each is a function of one `Context`.
"""

from __future__ import annotations

from decimal import Decimal

from msgspec import Struct, field
from msgspec.structs import force_setattr

from desktop.template import Template

# The groups of the findings panel, in the order it shows them.
CATEGORIES = {
    "error": "错误",  # must be corrected: the report contradicts itself
    "warning": "提示",  # a rule or a national standard not met: check, explain if true
    "plausibility": "请核实",  # unlikely but possible (year-to-year change, copied values)
    "completeness": "未完成",  # still empty
}


class Finding(Struct, frozen=True):
    severity: str  # "error" or "warning"
    message: str
    indicators: tuple[str, ...]  # Chinese names
    year: int | None
    ids: tuple[str, ...] = ()  # indicator ids, for jumping to the field
    table: int | None = None  # a stored table the finding is about
    section: int | None = None
    kind: str = "rule"
    category: str = ""  # one of CATEGORIES; "" means by severity

    def __post_init__(self) -> None:
        if not self.category:
            force_setattr(self, "category", "error" if self.severity == "error" else "warning")

    @property
    def explainable(self) -> bool:
        """A note (说明) on one of its indicators for its year silences it: a 提示 about a
        value that is true but unusual. Errors are never silenced: a note beside a wrong
        value does not make it right."""
        return (self.severity == "warning" and self.category in ("warning", "plausibility")
                and bool(self.ids) and self.year is not None)

    def as_json(self) -> dict:
        return {
            "severity": self.severity,
            "message": self.message,
            "indicators": list(self.indicators),
            "year": self.year,
            "category": self.category,
        }


class Context(Struct):
    report: object  # desktop.report.Report (not imported: report imports nothing of ours)
    template: Template
    values: dict[tuple[str, int], str]  # as stored
    shown: dict[tuple[str, int], str]  # as the report shows them: empty derived ones filled in
    years: list[int]
    findings: list[Finding] = field(default_factory=list)

    def add(self, severity: str, message: str, ids: list[str], year: int | None, **extra) -> None:
        names = tuple(self.template.indicators[i].name for i in ids)
        self.findings.append(Finding(severity, message, names, year, tuple(ids), **extra))


def category_of(finding) -> str:
    """The group of any finding, also of a checker's own finding type without a category."""
    category = getattr(finding, "category", "")
    if category in CATEGORIES:
        return category
    return "error" if finding.severity == "error" else "warning"


def fmt(value: Decimal) -> str:
    """A computed number for a message: at most two decimals, no trailing zeros."""
    q = value.quantize(Decimal("0.01"))
    text = format(q, "f").rstrip("0").rstrip(".")
    return text or "0"
