"""Arithmetic over indicator ids, as written in templates: "100 * teachers_master / teachers".

Parsed with `ast` and evaluated with Decimal; only names, numbers, + - * / and brackets
are accepted, so a template can never run code.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Mapping
from decimal import Decimal, DivisionByZero, InvalidOperation

from msgspec import Struct

_OPS = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}


class ExprError(ValueError):
    pass


class Expr(Struct, frozen=True):
    source: str
    tree: ast.expr
    names: tuple[str, ...]

    def evaluate(self, values: Mapping[str, Decimal | None],
                 not_applicable: Collection[str] = ()) -> Decimal | None:
        """The value, or None when a name is unknown or a division is by zero.

        Names in `not_applicable` ("-") add nothing to a sum, but a product or quotient
        with one, or an expression made only of them, has no value: 校园占地面积 "-" gives
        no 生均校园占地面积, not 0.
        """
        try:
            value, na = _eval(self.tree, values, not_applicable)
        except (_Unknown, DivisionByZero, InvalidOperation, ZeroDivisionError):
            return None
        return None if na else value

    def is_sum_of_names(self) -> bool:
        node = self.tree
        while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            if not isinstance(node.right, ast.Name):
                return False
            node = node.left
        return isinstance(node, ast.Name)


class _Unknown(Exception):
    pass


def parse(source: str) -> Expr:
    try:
        tree = ast.parse(source.strip(), mode="eval").body
    except SyntaxError as exc:
        raise ExprError(f"not an expression: {source!r}") from exc
    names: list[ast.Name] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.append(node)
        elif isinstance(node, ast.Constant):
            if not isinstance(node.value, int | float) or isinstance(node.value, bool):
                raise ExprError(f"only numbers may appear in {source!r}")
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _OPS:
                raise ExprError(f"only + - * / may appear in {source!r}")
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, ast.USub):
                raise ExprError(f"unsupported operator in {source!r}")
        elif not isinstance(node, ast.operator | ast.unaryop | ast.Load):
            raise ExprError(f"unsupported syntax in {source!r}")
    # in the order they are written (ast.walk goes breadth first): messages list a sum's
    # parts as the template does
    names.sort(key=lambda n: n.col_offset)
    return Expr(source=source, tree=tree, names=tuple(dict.fromkeys(n.id for n in names)))


def _eval(node: ast.expr, values: Mapping[str, Decimal | None],
          na: Collection[str]) -> tuple[Decimal, bool]:
    """(value, whether it is made only of not-applicable names)."""
    if isinstance(node, ast.Name):
        if node.id in na:
            return Decimal(0), True
        value = values.get(node.id)
        if value is None:
            raise _Unknown(node.id)
        return value, False
    if isinstance(node, ast.Constant):
        return Decimal(str(node.value)), False
    if isinstance(node, ast.UnaryOp):
        value, is_na = _eval(node.operand, values, na)
        return -value, is_na
    if isinstance(node, ast.BinOp):
        left, left_na = _eval(node.left, values, na)
        right, right_na = _eval(node.right, values, na)
        if isinstance(node.op, ast.Add | ast.Sub):
            return _OPS[type(node.op)](left, right), left_na and right_na
        if left_na or right_na:
            raise _Unknown("not applicable")
        return _OPS[type(node.op)](left, right), False
    raise ExprError("unsupported syntax")  # pragma: no cover - parse() rejects it
