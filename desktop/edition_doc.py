"""docs/editions.md: the keys of an edition file (edition_schema) and the checks each shipped
edition declares (rules.describe), generated so the page cannot drift from either."""

from __future__ import annotations

from desktop import edition_schema, rules, template


def page() -> str:
    out = [edition_schema.reference(), "## The checks of each edition", "",
           "`qreport check` judges every year of a report by these; an error is a contradiction",
           "to correct, a 提示 something to verify.", ""]
    for edition in template.available():
        out += rules.describe(template.load(edition))
    return "\n".join(out)


if __name__ == "__main__":
    print(page(), end="")
