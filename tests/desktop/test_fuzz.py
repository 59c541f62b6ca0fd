"""Fuzzing: the rules engine over any stored state, the importer over generated workbooks."""

from __future__ import annotations

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop import assemble, importer, rules
from desktop.template import load

TEMPLATE = load("2022")
IDS = list(TEMPLATE.indicators)
NAMES = [i.name for i in TEMPLATE.table_rows]

junk = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["-", "0", "19:1", "1e309", "NaN", "98.5", "-3", "0:0", "9" * 40, "", " "]),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.tuples(st.sampled_from(IDS), st.sampled_from([2019, 2020, 2021])),
                       junk, max_size=25))
def test_rules_and_assembly_never_crash_on_any_stored_state(empty_report, stored):
    with empty_report.file.transaction():
        empty_report.file.db.execute("DELETE FROM value")
        empty_report.file.set_values((i, y, v) for (i, y), v in stored.items())
    findings = rules.check(empty_report)
    assert all(f.severity in ("error", "warning") and f.message for f in findings)
    doc = assemble.build(empty_report)
    assert len(doc.data_table.rows) == len(TEMPLATE.table_rows)


cell = st.one_of(st.none(), st.integers(-10**6, 10**9), st.floats(allow_nan=True, allow_infinity=True),
                 st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=10), st.sampled_from(["=1+1", "#N/A", "约12万", "９８．５％", "-"]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.sampled_from([*NAMES, "其中：国家级", "无关指标", ""]), cell, cell),
                     max_size=30),
       header=st.sampled_from([("序号", "指标", "单位", "2020年", "2021年"),
                               ("序号", "指标", "单位", "2020", "2021"),
                               ("指标", "序号", "2021年"), ("a", "b", "c")]))
def test_import_of_generated_workbooks_never_crashes_nor_half_applies(empty_report, tmp_path, rows, header):
    path = tmp_path / "gen.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(header))
    for name, a, b in rows:
        ws.append(["", name, "", a, b])
    wb.save(path)
    before = empty_report.file.values()
    try:
        plan = importer.plan_import(empty_report, path)
    except importer.ImportRefused as exc:
        assert str(exc)
        return
    if plan.ok:
        importer.apply(empty_report, plan)
        after = empty_report.file.values()
        for change in plan.changes:
            assert after[(change.indicator, change.year)] == change.new
    else:
        with pytest.raises(importer.ImportRefused):
            importer.apply(empty_report, plan)
        assert empty_report.file.values() == before
