"""Units and multiplier words after a value: ``5\\text{ cm}^2``, ``60 miles per hour``, ``4 million``.

Only the words of a curated list are units (length, mass, time, money, angle, area and volume, speed, and a
few counting nouns MATH and GSM8K answers use: people, students, points, ways, times), and any other single
plain noun counted after a number ("18 eggs"; see :func:`_counting_noun`). A unit is removed from
the value and kept as a canonical :data:`Unit`, so that two answers with units must agree on them (``4 cm`` is
not ``4 m``). Multiplier words (hundred, thousand, million, billion, trillion, dozen) scale the number before
them. Any other word is not a unit: it stays in the answer, and the grader says so (see
:mod:`r1verify_math.shape`). Percent words are read as ``%`` by :mod:`r1verify_math.normalize`.

Pure string work, linear in the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .folding import fold
from .latex import FONT_MACROS, TEXT_MACROS

Unit = tuple[tuple[str, int], ...]
"""A unit as sorted (canonical name, power) pairs: ``km/h`` is ``(("h", -1), ("km", 1))``."""

_NAMES: dict[str, str] = {
    # length
    "mm": "mm millimeter millimeters millimetre millimetres",
    "cm": "cm centimeter centimeters centimetre centimetres",
    "m": "meter meters metre metres",
    "km": "km kilometer kilometers kilometre kilometres",
    "in": "inch inches",
    "ft": "ft foot feet",
    "yd": "yd yard yards",
    "mi": "mi mile miles",
    # mass
    "mg": "mg milligram milligrams",
    "g": "gram grams gramme grammes",
    "kg": "kg kilogram kilograms kilo kilos",
    "lb": "lb lbs pound pounds",
    "oz": "oz ounce ounces",
    "t": "ton tons tonne tonnes",
    # time
    "s": "sec secs second seconds",
    "min": "min mins minute minutes",
    "h": "hr hrs hour hours",
    "day": "day days",
    "week": "week weeks wk wks",
    "month": "month months",
    "year": "year years yr yrs",
    # money
    "dollar": "dollar dollars usd",
    "cent": "cent cents",
    "euro": "euro euros eur",
    "yuan": "yuan rmb",
    "yen": "yen",
    "rupee": "rupee rupees",
    # angle
    "deg": "degree degrees deg",
    "rad": "radian radians rad",
    # volume
    "l": "liter liters litre litres",
    "ml": "ml milliliter milliliters millilitre millilitres",
    "gal": "gal gallon gallons",
    "qt": "qt quart quarts",
    "pt": "pint pints",
    "cup": "cup cups",
    # science (Minerva-style answers: "671.02 nm", "4.5 eV", "300 K")
    "nm": "nm nanometer nanometers nanometre nanometres",
    "um": "um μm µm micron microns micrometer micrometers micrometre micrometres",
    "hz": "hz hertz",
    "khz": "khz kilohertz",
    "mhz": "mhz megahertz",
    "ghz": "ghz gigahertz",
    "j": "joule joules",
    "kj": "kj kilojoule kilojoules",
    "ev": "ev electronvolt electronvolts",
    "kev": "kev",
    "mev": "mev",
    "gev": "gev",
    "kelvin": "kelvin kelvins",
    "newton": "newton newtons",
    "pa": "pa pascal pascals",
    "kpa": "kpa",
    "w": "watt watts",
    "kw": "kw kilowatt kilowatts",
    "volt": "volt volts",
    "mol": "mol mole moles",
    "au": "au",
    "ly": "ly lightyear lightyears",
    "pc": "pc parsec parsecs",
    "kpc": "kpc",
    "mpc": "mpc megaparsec megaparsecs",
    "angstrom": "angstrom angstroms å",
    "celsius": "celsius centigrade",
    "fahrenheit": "fahrenheit",
    # generic and counting nouns
    "unit": "unit units",
    "person": "people person persons",
    "student": "student students",
    "point": "point points",
    "way": "way ways",
    "time": "time times",
}
_LOOKUP = {word: name for name, words in _NAMES.items() for word in words.split()}
_SYMBOLS = {"m": "m", "s": "s", "g": "g", "h": "h", "L": "l", "J": "j", "K": "kelvin", "N": "newton", "W": "w",
            "V": "volt", "Å": "angstrom"}
"""One-letter unit symbols: inside ``\\text{}``-style macros, or bare in a compound unit (``km/h``); a bare
``4m`` alone is a product."""
_COMPOUND: dict[str, Unit] = {
    "mph": (("h", -1), ("mi", 1)),
    "kph": (("h", -1), ("km", 1)),
    "kmh": (("h", -1), ("km", 1)),
}
_TIME = {"s", "min", "h", "day", "week", "month", "year"}
_TIME_MODIFIERS = {"old", "ago", "later", "earlier", "long", "now", "today"}
"""Words that may follow a time unit without changing it (``5 years old``, ``3 hours ago``, "10 years old now";
at most two)."""
MULTIPLIERS = {"hundred": 100, "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12, "dozen": 12}
_POWER_BEFORE = {"square": 2, "sq": 2, "cubic": 3, "cu": 3}
_POWER_AFTER = {"squared": 2, "cubed": 3}

_TOKEN = re.compile(
    rf"\s+|\\(?P<macro>{TEXT_MACROS}|{FONT_MACROS})\s*\{{(?P<arg>[^{{}}]*)\}}|\\[A-Za-z]+|(?P<word>[A-Za-z]+)"
    r"|\^\s*\{\s*[23]\s*\}|\^\s*[23]|.",
    re.DOTALL,
)
_VALUE_END = re.compile(r"[\d})\]$.%]")
_ARG_TOKEN = re.compile(r"[A-Za-zÅμµ]+|\^\s*\{?\s*[23]\s*\}?|/|[^\sA-Za-z.~]")


@dataclass(frozen=True, slots=True)
class Tail:
    """What follows a value: a multiplier (1 if none) and a unit (``None`` if none)."""

    multiplier: int
    unit: Unit | None


_CJK_CLASSIFIERS = (
    "个 颗 粒 只 头 匹 条 张 本 块 件 次 辆 棵 朵 支 瓶 杯 箱 袋 页 名 位 人 台 道 题 种 套 双 盒 包 份 组 根 层 间 座 所 "
    "把 枚 部 首 篇 段 行 户"
).split()
"""Chinese classifiers: ``858颗`` and ``858个`` both count 858 things (no unit to agree on)."""
_CJK_UNITS = {
    **dict.fromkeys("天 日".split(), "day"), "年": "year", "月": "month", "岁": "year", "周": "week", "米": "m",
    "厘米": "cm", "毫米": "mm", "千米": "km", "公里": "km", "克": "g", "千克": "kg", "公斤": "kg", "斤": "jin",
    "两": "liang", "吨": "t", "秒": "s", "分钟": "min", "小时": "h", "元": "yuan", "角": "jiao", "升": "l",
    "毫升": "ml", "平方米": "m^2", "立方米": "m^3", "平方厘米": "cm^2", "立方厘米": "cm^3", "度": "deg",
}
"""Chinese units, as the canonical names of :data:`_NAMES` where there is one."""
CJK_MEASURE = "|".join(sorted([*_CJK_CLASSIFIERS, *_CJK_UNITS], key=len, reverse=True))
"""Chinese measure words (classifiers and units) that may follow a number."""
_CJK_TAIL = re.compile(rf"(?<=[\d}}])\s*({CJK_MEASURE})\s*[。.]?\s*$")


def split_tail(text: str) -> tuple[str, Tail | None]:
    """``text`` without the units and multiplier words that end it, and what they were; ``(text, None)`` when
    it does not end in a value followed by nothing but units and multipliers. A Chinese measure word after the
    value (``858颗``) is its unit."""
    if (m := _CJK_TAIL.search(text)) is not None:
        name = _CJK_UNITS.get(m.group(1))
        unit = (((name[:-2], int(name[-1])) if "^" in name else (name, 1)),) if name else None
        return text[: m.start()].rstrip(), Tail(1, unit)
    tokens = list(_TOKEN.finditer(text))
    start = len(tokens)
    while start > 0 and _tail_token(tokens[start - 1]):
        start -= 1
    if start == len(tokens) or start == 0:
        return text, None
    previous = tokens[start - 1].group()
    if not _VALUE_END.fullmatch(previous[-1]):
        return text, None
    words: list[tuple[str, bool]] = []
    for token in tokens[start:]:
        if token.group("arg") is not None:
            words += [(w, True) for w in _ARG_TOKEN.findall(fold(token.group("arg")))]
        elif token.group("word"):
            words.append((fold(token.group()), False))
        elif token.group().startswith("^") or token.group() == "/":
            words.append((token.group(), False))
    tail = _parse(words)
    if tail is None:
        return text, None
    return text[: tokens[start].start()].rstrip(), tail


def _tail_token(token: re.Match) -> bool:
    text = token.group()
    return (
        token.group("arg") is not None
        or bool(token.group("word"))
        or text.isspace()
        or text.startswith("^")
        or text in ("/", ".")
    )


def _parse(words: list[tuple[str, bool]]) -> Tail | None:
    """[multiplier] [unit [(/ | per) unit]... [time modifier]] and nothing else; ``None`` if the words are not
    that (or name neither a multiplier nor a unit)."""
    words = [(w, macro) for w, macro in words if w != "."]
    if not words:
        return None
    i, multiplier = 0, 1
    if words[0][0].casefold() in MULTIPLIERS:
        multiplier, i = MULTIPLIERS[words[0][0].casefold()], 1
    if phrase := _counted_phrase([w for w, _ in words[i:]]):
        return Tail(multiplier, phrase)
    powers: dict[str, int] = {}
    sign, expect_unit, last, terms, bare_symbols = 1, True, "", 0, 0
    while i < len(words):
        word, macro = words[i]
        folded = word.casefold()
        if not expect_unit:
            if folded in ("/", "per"):
                sign, expect_unit, i = -1, True, i + 1
                continue
            rest = [w.casefold() for w, _ in words[i:]]
            if last in _TIME and len(rest) <= 2 and all(w in _TIME_MODIFIERS for w in rest):
                break
            return None
        power = _POWER_BEFORE.get(folded, 1)
        if power != 1:
            i += 1
            if i == len(words):
                return None
            word, macro = words[i]
        term = _unit(word)
        if term is None:
            return None
        terms += 1
        bare_symbols += not macro and word in _SYMBOLS
        i += 1
        if i < len(words) and (after := _power_after(words[i][0])):
            power, i = power * after, i + 1
        for name, p in term:
            powers[name] = powers.get(name, 0) + sign * p * power
        expect_unit, last = False, term[0][0] if len(term) == 1 else ""
    if (expect_unit and powers) or (bare_symbols and terms == 1):
        return None  # a dangling "per"; a bare one-letter symbol alone (4m) is a product
    unit = tuple(sorted((n, p) for n, p in powers.items() if p)) or None
    if multiplier == 1 and unit is None:
        return None
    return Tail(multiplier, unit)


def _unit(word: str) -> Unit | None:
    if word in _SYMBOLS:
        return ((_SYMBOLS[word], 1),)
    folded = word.casefold()
    if folded in _COMPOUND:
        return _COMPOUND[folded]
    name = _LOOKUP.get(folded)
    if name:
        return ((name, 1),)
    return _counting_noun(folded)


# Words that change what a value means: they are never read as the noun being counted ("4 unlikely", "3 else
# four", "4 minus three", "4 squared" stay text, and the grader calls the answer wrong).
_MEANINGFUL = frozenset(
    """
    not no nope none never nothing false true wrong incorrect correct right invalid isn isnt aint cannot cant
    maybe perhaps possibly probably likely unlikely approximately approx about around roughly nearly almost
    doubtful unsure uncertain guess guessed either or nor xor else otherwise alternatively alternative and but
    except unless if then when also instead plus minus times over divided less more than fewer greater smaller
    least most atleast atmost under above below half twice double triple quadruple squared cubed square cube
    root sqrt power percent per zero one two three four five six seven eight nine ten eleven twelve thirteen
    fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
    hundred thousand million billion trillion dozen first second third fourth fifth answer answers solution
    solutions result value values option options choice choices case cases ish esque odd even
    half halves third thirds quarter quarters fourths fifths sixths sevenths eighths ninths tenths hundredths
    thousandths millionths nicht nein kein keine non pas jamais nie niet nao nunca nada
    """.split()
)


def _counting_noun(folded: str) -> Unit | None:
    """A plain noun after a number is what is counted (``18 \text{ eggs}``, "5 apples"): a unit of its own,
    so ``5 apples`` is not ``5 pears`` but is ``5``. Only one ASCII word of 3+ letters that is not in
    :data:`_MEANINGFUL`."""
    if len(folded) < 3 or not folded.isascii() or not folded.isalpha():
        return None
    singular = folded[:-1] if folded.endswith("s") and not folded.endswith("ss") else folded
    if folded in _MEANINGFUL or singular in _MEANINGFUL:
        return None
    return ((f"noun:{singular}", 1),)


_STOP = frozenset(
    """
    is it its a an the of this that these those be was are were so we i you he she they yes ok okay right here
    there now then what which who how why do does did has have had to in on at by for from with as my our your
    """.split()
)


def _counted_phrase(words: list[str]) -> Unit | None:
    """Two or three plain words after a number name what is counted ("4 up quarks", "3 red balls"): ASCII
    words of 2+ letters, the last of 3+, none of them a unit, a word that changes the value
    (:data:`_MEANINGFUL`) or a function word ("4 is it")."""
    if not 2 <= len(words) <= 3 or len(words[-1]) < 3:
        return None
    folded = [w.casefold() for w in words]
    for w in folded:
        singular = w[:-1] if w.endswith("s") and not w.endswith("ss") else w
        if len(w) < 2 or not (w.isascii() and w.isalpha()) or w in _STOP or w in _LOOKUP or w in _COMPOUND:
            return None
        if w in _MEANINGFUL or singular in _MEANINGFUL:
            return None
    return ((f"noun:{' '.join(w[:-1] if w.endswith('s') and not w.endswith('ss') else w for w in folded)}", 1),)


def _power_after(word: str) -> int:
    if word.startswith("^"):
        return int(word.strip("^{} \t"))
    return _POWER_AFTER.get(word.casefold(), 0)


def describe(unit: Unit) -> str:
    """``cm^2``, ``km/h``: a unit for messages."""
    up = [n if p == 1 else f"{n}^{p}" for n, p in unit if p > 0]
    down = [n if p == -1 else f"{n}^{-p}" for n, p in unit if p < 0]
    return "*".join(up or ["1"]) + ("/" + "/".join(down) if down else "")
