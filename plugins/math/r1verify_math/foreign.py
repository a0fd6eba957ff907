"""Answer phrases in languages other than English, for the ``answer_is`` fallback of the ``lenient`` preset.

Only a phrase that announces the answer and **closes the final answer region** counts: "答案：每份应该是
(\\frac{2}{5}) 吨。", "最终答案是 5", "La respuesta es 5.", "La réponse est C, non A", "Die Antwort ist 5",
"Ответ: 5", "A resposta é 5", "La risposta è 5", "答えは 5 です". Nothing but punctuation may follow the
sentence it starts (a phrase inside the reasoning is not the final answer), and the sentence must not hedge
(:data:`HEDGE`: "La respuesta es probablemente 5", "答案可能是 5", "Ответ: 5 или 6", which are graded ``wrong``
as a hedge rather than skipped). When the answer is a sentence that names its value after a copula ("每份应该是
(2/5) 吨", "each portion should be 2/5 ton") the value after the last one is the answer.

Pure string work, linear in the region.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .plaintext import chosen_letter
from .unboxed import _HEDGE as _ENGLISH_AND_CHINESE_HEDGE

_NOT_LETTER_BEFORE = r"(?<![^\W\d_])"
_NOT_LETTER_AFTER = r"(?![^\W\d_])"
PHRASE = re.compile(
    r"(?:最终答案|最后答案|正确答案|答案)\s*(?:是|为|為|[:：])"
    r"|答え\s*(?:は|[:：])"
    rf"|{_NOT_LETTER_BEFORE}(?:(?:la|mi|nuestra)\s+)?respuesta(?:\s+(?:final|correcta))?\s*"
    rf"(?:es{_NOT_LETTER_AFTER}|[:：])"
    rf"|{_NOT_LETTER_BEFORE}(?:(?:la|ma|notre)\s+)?réponse(?:\s+(?:finale|correcte))?\s*(?:est{_NOT_LETTER_AFTER}|[:：])"
    rf"|{_NOT_LETTER_BEFORE}(?:(?:die|meine|unsere)\s+)?(?:(?:endgültige|richtige)\s+)?antwort\s*"
    rf"(?:ist{_NOT_LETTER_AFTER}|lautet{_NOT_LETTER_AFTER}|[:：])"
    rf"|{_NOT_LETTER_BEFORE}(?:(?:окончательный|итоговый|правильный)\s+)?ответ\s*(?:[:：]|[—–]|-(?!\d))"
    rf"|{_NOT_LETTER_BEFORE}(?:a\s+)?resposta(?:\s+(?:final|correta))?\s*(?:é{_NOT_LETTER_AFTER}|[:：])"
    rf"|{_NOT_LETTER_BEFORE}(?:la\s+)?risposta(?:\s+(?:finale|corretta))?\s*(?:è{_NOT_LETTER_AFTER}|[:：])",
    re.IGNORECASE,
)
"""A phrase that announces the final answer, in Chinese, Japanese, Spanish, French, German, Russian, Portuguese
and Italian (the answer follows it)."""
HEDGE = re.compile(
    rf"{_NOT_LETTER_BEFORE}(?:probablemente|posiblemente|quizás|quizas|quizá|quiza|tal\s+vez|aproximadamente|"
    r"alrededor|cerca|unos|unas|creo|supongo|o|u|ni|no|"
    r"probablement|possiblement|peut[-\s]être|environ|à\s+peu\s+près|presque|ou|non|pas|ne|sans\s+doute|"
    r"wahrscheinlich|vielleicht|vermutlich|möglicherweise|etwa|ungefähr|circa|ca|rund|fast|oder|nicht|keine?|"
    r"вероятно|возможно|наверное|примерно|около|приблизительно|почти|или|либо|не|"
    r"provavelmente|possivelmente|talvez|quase|não|nao|"
    rf"probabilmente|forse|quasi|oppure|non){_NOT_LETTER_AFTER}"
    r"|吧|或许|似乎|好像|大致|たぶん|多分|おそらく|約|くらい|ぐらい|程度|または|か",
    re.IGNORECASE,
)
"""Hedging, negating and approximating words of those languages (English and Chinese ones are the unboxed
extractors' :data:`r1verify_math.unboxed._HEDGE`)."""
_SENTENCE_END = re.compile(r"[。！!？?]|\.(?=\s|$)|\n")
_TRAILING = " \t\r\n.,;:!*_)(。，；：！）（"
_COPULA = re.compile(r"(?:是|为|為|等于|等於|=|\bes\b|\best\b|\bist\b|\bé\b|\bè\b|равно|равен|равна|составляет)\s*")
_POLITE_END = re.compile(r"\s*(?:です|である|となります|になります)\s*$")
"""A Japanese copula closing the sentence ("答えは 5 です")."""
_VALUE_START = re.compile(r"[-+−(（\[]*\s*(?:\.?\d|\$|\\[(\[]|\\(?:frac|dfrac|tfrac|sqrt|pi|infty)(?![A-Za-z]))")


@dataclass(frozen=True, slots=True)
class Foreign:
    """The answer a closing non-English answer phrase gives, and its hedging word ("" if none)."""

    answer: str
    hedge: str = ""


def closing_answer(region: str) -> Foreign | None:
    """The answer of the last non-English answer phrase of ``region`` when its sentence closes the region (see
    the module docstring); ``None`` when there is none."""
    last = None
    for last in PHRASE.finditer(region, max(0, len(region) - 4000)):  # the answer closes the region
        pass
    if last is None:
        return None
    rest = region[last.end() :]
    letter = chosen_letter(rest.strip(" \t\r\n*_"))  # "C non A", "B。不是 A"
    if letter != rest.strip(" \t\r\n*_"):
        return Foreign(letter)
    end = _SENTENCE_END.search(rest)
    sentence = rest[: end.start()] if end else rest
    if end and rest[end.start() :].strip(_TRAILING + "?？"):
        return None  # more follows: the phrase is not the end of the final answer
    sentence = sentence.strip(" \t*_")
    if not sentence:
        return None
    hedge = HEDGE.search(sentence) or _ENGLISH_AND_CHINESE_HEDGE.search(sentence)
    if hedge:
        return Foreign(sentence, hedge.group())
    if end and rest[end.start()] in "?？":
        return Foreign(sentence, rest[end.start()])
    sentence = _unwrap_computation(sentence)
    if not _VALUE_START.match(sentence):
        stated = [m.end() for m in _COPULA.finditer(sentence) if _VALUE_START.match(sentence, m.end())]
        if stated:
            sentence = sentence[stated[-1] :]
    return Foreign(_POLITE_END.sub("", sentence).strip())


def _unwrap_computation(sentence: str) -> str:
    """``(35 + 70 = 105)`` -> ``35 + 70 = 105``: a computation in parentheses is not a tuple."""
    if not (sentence.startswith(("(", "（")) and sentence.endswith((")", "）")) and "=" in sentence):
        return sentence
    depth = 0
    for i, ch in enumerate(sentence[:-1]):
        depth += 1 if ch in "(（" else -1 if ch in ")）" else 0
        if depth == 0 and i < len(sentence) - 1:
            return sentence  # "(1, 2) = (a, b)": the first pair closes before the end
    return sentence[1:-1].strip()
