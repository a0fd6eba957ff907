"""Script-aware word counting."""

from __future__ import annotations

import pytest
from r1verify_language.codes import normalize_language
from r1verify_language.scripts import script_of, scripts_of_language
from r1verify_language.words import words


def texts(text: str) -> list[str]:
    return [w.text for w in words(text)]


def test_each_han_character_is_a_word_and_digits_next_to_it_are_fine():
    assert texts("小明有3个苹果") == ["小", "明", "有", "个", "苹", "果"]
    assert [w.script for w in words("ひらがな漢字")] == ["Kana"] * 4 + ["Han"] * 2


def test_latin_words_by_letters_with_apostrophes_and_accents():
    assert texts("We don't know the naïve answer, do we?") == [
        "We",
        "don't",
        "know",
        "the",
        "naïve",
        "answer",
        "do",
        "we",
    ]


def test_combining_marks_stay_inside_words():
    assert texts("नमस्ते दुनिया") == ["नमस्ते", "दुनिया"]


@pytest.mark.parametrize(
    "notation",
    ["$x^2 + \\frac{a}{b}$", "$$\\sum_{k} k$$", "\\[ a b c \\]", "\\(abc\\)", "\\begin{align*} ab &= cd \\end{align*}",
     "```python\nimport math\nprint(math.sqrt(total_count))\n```", "`len(items) - 1`", "https://example.com/page", "me@example.com",
     "<think>", "</answer>", "\\frac", "3xyz", "x^2", "a_n", "sin(x)", "x", "y", "α"],
)  # fmt: skip
def test_notation_is_no_language(notation):
    assert texts(notation) == [], notation


def test_sentences_are_numbered():
    found = words("One two. Three\nfour! 五六。七")
    assert [(w.text, w.sentence) for w in found] == [
        ("One", 0), ("two", 0), ("Three", 1), ("four", 2), ("五", 3), ("六", 3), ("七", 4)
    ]  # fmt: skip


def test_scripts():
    assert [script_of(c) for c in "aЖ中あ한α"] == ["Latin", "Cyrillic", "Han", "Kana", "Hangul", "Greek"]
    assert script_of("𠀀") == "Han" and script_of("☃") == "Other"
    assert scripts_of_language("ja") == {"Han", "Kana"} and scripts_of_language("en") == {"Latin"}
    assert scripts_of_language("xx") == frozenset()


@pytest.mark.parametrize(
    ("given", "code"),
    [("zh-CN", "zh"), ("zh_Hans", "zh"), ("Chinese", "zh"), (" EN ", "en"), ("pt-BR", "pt"), ("iw", "he")],
)
def test_language_codes(given, code):
    assert normalize_language(given) == code


@pytest.mark.parametrize("bad", ["", "Klingonese", "e", "12"])
def test_bad_language_codes_name_the_fix(bad):
    with pytest.raises(ValueError, match="ISO 639-1"):
        normalize_language(bad)


def test_han_characters_are_never_hidden_as_math_and_text_in_math_is_prose():
    assert texts("$x = 5 \\text{ apples}$") == ["apples"]
    assert texts("so $ 我们作弊 $ done") == ["so", "我", "们", "作", "弊", "done"]
    assert texts("```\n# 注释\nprint(1)\n```") == ["注", "释"]


def test_math_never_spans_a_blank_line_so_a_stray_delimiter_hides_nothing():
    assert texts("It costs $5 today.\n\nWe pay $3 more") == ["It", "costs", "today", "We", "pay", "more"]
    assert texts("\\[ unclosed display\n\nstill counted \\] words") == [
        "unclosed",
        "display",
        "still",
        "counted",
        "words",
    ]


@pytest.mark.parametrize("unit", ["\\[ y ", "\\begin{a} x ", "$ a \\$ ", "< think ", "[asy] ", "`"])
def test_adversarial_notation_returns(unit):
    assert isinstance(words(unit * 5_000), list)  # bounded spans: no catastrophic backtracking
