"""What crosses between the processes: plain data as tagged JSON (``encode``, ``decoder``), and exceptions' text."""

import traceback

SMALL_INT = 1 << 63
MUTABLE = (list, dict, set, bytearray)
"""Argument types whose in-place changes by the solution are copied back to the test's objects."""


def _pairs(items, other):
    return [[encode(k, other), encode(v, other)] for k, v in items]


_EXACT = {
    list: lambda v, o: [encode(x, o) for x in v],
    tuple: lambda v, o: {"t": [encode(x, o) for x in v]},
    dict: lambda v, o: {"d": _pairs(v.items(), o)},
    set: lambda v, o: {"s": [encode(x, o) for x in v]},
    frozenset: lambda v, o: {"f": [encode(x, o) for x in v]},
    bytes: lambda v, o: {"b": v.hex()},
    bytearray: lambda v, o: {"y": v.hex()},
    complex: lambda v, o: {"c": [v.real, v.imag]},
    range: lambda v, o: {"r": [v.start, v.stop, v.step]},
    slice: lambda v, o: {"l": [encode(v.start, o), encode(v.stop, o), encode(v.step, o)]},
}
_STDLIB = {
    ("fractions", "Fraction"): lambda v, o: {"F": [encode(int(v.numerator), o), encode(int(v.denominator), o)]},
    ("decimal", "Decimal"): lambda v, o: {"D": str(v)},
    ("collections", "OrderedDict"): lambda v, o: {"o": _pairs(v.items(), o)},
    ("collections", "Counter"): lambda v, o: {"n": _pairs(v.items(), o)},
    ("collections", "deque"): lambda v, o: {"q": [[encode(x, o) for x in v], v.maxlen]},
}
_BASES = (int, float, str, complex, bytes, bytearray, list, tuple, dict, set, frozenset)


def encode(value, other):
    """``value`` as JSON-ready plain data; ``other(value)`` encodes what is not plain (a handle, or an error)."""
    kind = type(value)
    if value is None or kind is bool or kind is str or kind is float:
        return value
    if kind is int:
        return value if -SMALL_INT < value < SMALL_INT else {"i": hex(value)}
    exact = _EXACT.get(kind)
    if exact is not None:
        return exact(value, other)
    stdlib = _STDLIB.get((getattr(kind, "__module__", ""), getattr(kind, "__qualname__", "")))
    if stdlib is not None:
        return stdlib(value, other)
    for base in _BASES:  # e.g. a namedtuple, an IntEnum, an int subclass with its own __eq__: the built-in data
        if isinstance(value, base):
            return encode(base(value), other)
    return other(value)


def _checked(kind, *types_):
    def build(data):
        if type(data) not in types_:
            raise TypeError(f"bad {kind} data")
        return kind(data)

    return build


def _rebuild_pairs(kind):
    def build(data):
        if type(data) is not list or any(type(p) is not list or len(p) != 2 for p in data):
            raise TypeError("bad pairs")
        return kind((k, v) for k, v in data)

    return build


def _numbers(build, count, kinds):
    def make(data):
        if type(data) is not list or len(data) not in count or any(type(x) not in kinds for x in data):
            raise TypeError("bad numbers")
        return build(*data)

    return make


def _fraction(n, d):
    import fractions

    return fractions.Fraction(n, d)


def _decimal(text):
    import decimal

    if type(text) is not str:
        raise TypeError("bad decimal")
    return decimal.Decimal(text)


def _deque(data):
    import collections

    if type(data) is not list or len(data) != 2 or type(data[0]) is not list:
        raise TypeError("bad deque")
    if data[1] is not None and type(data[1]) is not int:
        raise TypeError("bad deque")
    return collections.deque(data[0], data[1])


def _ordered(data):
    import collections

    return _rebuild_pairs(collections.OrderedDict)(data)


def _counter(data):
    import collections

    return collections.Counter(_rebuild_pairs(dict)(data))


def _big_int(text):
    if type(text) is not str:
        raise TypeError("bad int")
    return int(text, 16)


_BUILDERS = {
    "t": _checked(tuple, list),
    "s": _checked(set, list),
    "f": _checked(frozenset, list),
    "d": _rebuild_pairs(dict),
    "b": lambda data: bytes.fromhex(data),
    "y": lambda data: bytearray.fromhex(data),
    "c": _numbers(complex, (2,), (int, float)),
    "r": _numbers(range, (3,), (int,)),
    "l": _numbers(slice, (3,), (int, type(None))),
    "i": _big_int,
    "F": _numbers(_fraction, (2,), (int,)),
    "D": _decimal,
    "o": _ordered,
    "n": _counter,
    "q": _deque,
}


def decoder(extra):
    """``json.loads`` object hook rebuilding tagged values; ``extra`` adds tags (handles, builtins)."""
    builders = dict(_BUILDERS, **extra)

    def hook(obj):
        if len(obj) != 1:
            raise ValueError("a tagged value has one key")
        ((tag, data),) = obj.items()
        return builders[tag](data)

    return hook


def _message(exc):
    try:
        return str(exc)[-2000:]
    except BaseException:  # noqa: BLE001 - an exception whose __str__ fails
        return ""


def describe(exc):
    text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return text[-500:] or type(exc).__name__
