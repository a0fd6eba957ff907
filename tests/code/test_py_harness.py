"""The Python harness's wire format and exception mapping, in-process (no sandbox): what crosses from the
solution's process to the evaluator is plain data, rebuilt by the evaluator's own constructors."""

from __future__ import annotations

import collections
import decimal
import enum
import fractions
import json
import math

import pytest
from r1verify_code.py_harness import values as h
from r1verify_code.py_harness.evaluator import _names
from r1verify_code.py_harness.remote import _exception


def _refuse(value):
    raise TypeError(f"not plain: {type(value).__name__}")


def cross(value, other=_refuse):
    """Encode on one side, decode on the other, as the pipe does."""
    return json.loads(json.dumps(h.encode(value, other)), object_hook=h.decoder({}))


PLAIN = [
    None,
    True,
    False,
    0,
    -7,
    2**200,
    -(2**70),
    1.5,
    -0.0,
    float("inf"),
    1e-300,
    3 + 4j,
    "",
    "héllo\ud800",
    b"\x00\xff",
    bytearray(b"ab"),
    slice(1, None, -1),
    [1, [2, [3]]],
    (1, (2.0, "x")),
    {1: "a", (2, 3): [4], "k": None},
    {1, (2, 3), frozenset({4})},
    frozenset(),
    range(1, 10, 3),
    fractions.Fraction(-3, 7),
    decimal.Decimal("1.10"),
    collections.OrderedDict([("b", 1), ("a", 2)]),
    collections.Counter("abca"),
    collections.deque([1, 2], maxlen=3),
]


@pytest.mark.parametrize("value", PLAIN, ids=[f"{type(v).__name__}-{i}" for i, v in enumerate(PLAIN)])
def test_plain_values_cross_with_their_exact_types(value):
    back = cross(value)
    assert back == value and type(back) is type(value)
    if isinstance(value, dict):
        assert list(back) == list(value)  # order kept
    if isinstance(value, collections.deque):
        assert back.maxlen == value.maxlen


def test_nan_crosses_as_nan():
    back = cross(float("nan"))
    assert math.isnan(back) and type(back) is float


class Always(int):
    def __eq__(self, other):
        return True

    __hash__ = int.__hash__


class Color(enum.IntEnum):
    RED = 1


Point = collections.namedtuple("Point", "x y")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Always(3), 3),
        (Color.RED, 1),
        (Point(1, 2), (1, 2)),
        (collections.defaultdict(list, {"a": [1]}), {"a": [1]}),
        (type("Yes", (str,), {"__eq__": lambda s, o: True, "__hash__": str.__hash__})("s"), "s"),
    ],
)
def test_subclasses_of_builtin_types_cross_as_the_builtin_data(value, expected):
    back = cross(value)
    assert back == expected and type(back) is type(expected)  # a built-in type: its == is honest


def test_an_always_equal_int_becomes_an_honest_int():
    assert cross(Always(3)) != 4 and Always(3) == 4


def test_other_objects_are_left_to_the_caller():
    class Opaque:
        pass

    handles = []
    encoded = h.encode([1, Opaque()], lambda value: handles.append(value) or {"h": [0, "Opaque"]})
    assert encoded[0] == 1 and encoded[1] == {"h": [0, "Opaque"]} and isinstance(handles[0], Opaque)
    with pytest.raises(TypeError):
        cross(Opaque())


@pytest.mark.parametrize(
    "data",
    [
        '{"t": 1}',
        '{"s": [[1]]}',
        '{"d": [[1]]}',
        '{"i": 12}',
        '{"c": ["1+2j", 0]}',
        '{"F": [1.5, 2]}',
        '{"zz": 1}',
        '{"t": [], "s": []}',
        '{"q": [[1], "x"]}',
        '{"r": [1.0, 2, 1]}',
    ],
)
def test_malformed_data_from_the_solution_is_rejected(data):
    with pytest.raises((TypeError, ValueError, KeyError)):
        json.loads(data, object_hook=h.decoder({}))


def test_exceptions_cross_as_their_nearest_builtin_class():
    assert type(_exception(["ValueError", "Exception", "BaseException", "object"], "bad")) is ValueError
    custom = _exception(["MyError", "KeyError", "LookupError", "Exception"], "k")
    assert type(custom) is KeyError and "MyError" in str(custom)
    assert type(_exception(["SystemExit", "BaseException"], "0")) is SystemExit
    for stop in ("StopIteration", "StopAsyncIteration", "KeyboardInterrupt", "GeneratorExit"):
        assert type(_exception([stop, "BaseException"], "")) is RuntimeError  # cannot end a test's loop
    assert type(_exception(["UnicodeDecodeError", "ValueError"], "x")) is RuntimeError  # special constructor
    assert type(_exception("nonsense", 1)) is TypeError


def test_the_tests_globals_are_the_names_they_use():
    code = compile("import math\ndef check(c):\n    assert abs(c(2) - f(1)) < math.pi\n", "t", "exec")
    assert {"math", "abs", "f", "pi", "check"} <= _names(code)
