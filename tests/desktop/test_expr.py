from decimal import Decimal

import pytest

from desktop import expr

V = {"a": Decimal(6), "b": Decimal(3), "z": Decimal(0), "n": Decimal(0)}


@pytest.mark.parametrize(
    ("source", "na", "expected"),
    [
        ("a / b", (), Decimal(2)),
        ("100 * (a + b) / b", (), Decimal(300)),
        ("a / z", (), None),  # division by zero: no value
        ("a + missing", (), None),  # an unknown input: no value
        ("a + n", {"n"}, Decimal(6)),  # "-" adds nothing to a sum
        ("n", {"n"}, None),  # nothing but "-": nothing to judge
        ("n + n", {"n"}, None),
        ("n / b", {"n"}, None),  # a ratio of "-" is not 0
        ("a / n", {"n"}, None),
        ("(a + n) / b", {"n"}, Decimal(2)),
    ],
)
def test_evaluate(source, na, expected):
    assert expr.parse(source).evaluate(V, na) == expected


@pytest.mark.parametrize("source", ["a ** 2", "__import__('os')", "a if b else a", "'text'", "a.b", "f(a)"])
def test_only_arithmetic_is_accepted(source):
    with pytest.raises(expr.ExprError):
        expr.parse(source)
