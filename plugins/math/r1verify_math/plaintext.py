"""Answers written as plain text rather than LaTeX: code-style math and multiple-choice sentences.

- :func:`to_latex`: ``-1 + sqrt(3)``, ``2**(1/4)``, ``sqrt(2)/2`` (Python or calculator notation, as models
  write outside math mode) become ``-1 + \\sqrt{3}``, ``2^{(1/4)}``: math-verify's LaTeX parser reads
  ``sqrt(3)`` as a product of letters and ``**`` not at all. Only text without LaTeX commands is rewritten.
- :func:`chosen_letter`: a prose answer that names a choice letter and then rules other letters out ("D, it
  can't be A or B", "for sure D", "B。不是 A") is that letter. Only a *negated* mention of other letters is
  dropped; "C, A" and "C or D" still name two letters, and a box (``\\boxed{C, not A}``) is never rewritten: it
  is the answer itself, not a sentence about it.

Pure string work, linear in the answer.
"""

from __future__ import annotations

import re

_FUNCTION = re.compile(r"\b(sqrt|cbrt)\s*\(")
_POWER = re.compile(r"(?<=[\w)])\s*\*\*\s*(?=[\w(.-])")
"""Python's power operator between operands (``2**(1/4)``, ``x**2``); ``= **194**`` is markdown bold."""
_COMMAND = re.compile(r"\\[A-Za-z]")
_LETTER = r"\(?[A-J]\)?"
_NEGATION = (
    r"(?:but\s+)?(?:it\s+|that\s+|the\s+answer\s+)?(?:can['’]?t|cannot|can\s+not|could\s*n['’]?o?t|is\s*n['’]?o?t|"
    r"isn['’]t|not|doesn['’]t\s+make\s+sense\s+for\s+it\s+to|does\s+not\s+make\s+sense\s+for\s+it\s+to|"
    r"non|pas|nicht|不是|并非|而不是)\s*(?:be\s+)?"
)
_CHOSEN = re.compile(
    rf"^\s*(?:(?:for\s+sure|definitely|clearly|certainly|surely|obviously)\s+)?(?P<letter>{_LETTER})"
    rf"\s*(?:[,.;:!。，；]\s*|\s+|(?=不是|并非|而不是))(?:{_NEGATION})(?:{_LETTER})(?:\s*(?:,|or|and|nor|/|或)\s*(?:{_LETTER}))*"
    r"\s*(?:because\b[^\n]*|[.!。])?\s*$",
    re.IGNORECASE,
)
_FILLER = re.compile(r"^\s*(?:for\s+sure|definitely|clearly|certainly|surely|obviously)\s+(?=\(?[A-J]\)?\s*[.!]?\s*$)")


def to_latex(text: str) -> str:
    """``text`` with ``sqrt(x)`` as ``\\sqrt{x}`` and ``a**b`` as ``a^{b}``; unchanged when it has LaTeX."""
    if _COMMAND.search(text) or not (_FUNCTION.search(text) or _POWER.search(text)):
        return text
    text = _functions(text)
    return _powers(text)


def _functions(text: str) -> str:
    out, i = [], 0
    for m in _FUNCTION.finditer(text):
        if m.start() < i:
            continue
        close = _closing(text, m.end() - 1)
        if close < 0:
            return text
        inner = _functions(text[m.end() : close])
        root = "\\sqrt" if m.group(1) == "sqrt" else "\\sqrt[3]"
        out.append(text[i : m.start()] + f"{root}{{{inner}}}")
        i = close + 1
    return "".join(out) + text[i:]


def _powers(text: str) -> str:
    out, i = [], 0
    for m in _POWER.finditer(text):
        if m.start() < i:
            continue
        start = m.end()
        if text[start : start + 1] == "(":
            end = _closing(text, start) + 1
            if end <= 0:
                return text
        else:
            match = re.match(r"-?[\w.]+", text[start:])
            end = start + (match.end() if match else 0)
        out.append(text[i : m.start()] + "^{" + text[start:end] + "}")
        i = end
    return "".join(out) + text[i:]


def _closing(text: str, open_index: int) -> int:
    """The index of the parenthesis closing the one at ``open_index`` (-1 if it never closes)."""
    depth = 0
    for j in range(open_index, len(text)):
        if text[j] == "(":
            depth += 1
        elif text[j] == ")":
            depth -= 1
            if depth == 0:
                return j
    return -1


def chosen_letter(answer: str) -> str:
    """The choice letter of a prose answer that rules the other letters out (see the module docstring);
    ``answer`` unchanged otherwise."""
    m = _CHOSEN.match(answer)
    if m:
        letter = m.group("letter").strip("()").upper()
        excluded = re.findall(r"(?<![A-Za-z])\(?([A-J])\)?(?![A-Za-z])", answer[m.end("letter") :], re.IGNORECASE)
        return answer if letter in (e.upper() for e in excluded) else m.group("letter")
    return _FILLER.sub("", answer)
