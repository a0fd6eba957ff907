"""Short math prose written in number words (issue 22, part 5): "Seven plus eleven is eighteen." scored 0.0 as
100% Dutch, so `filter` rejected English arithmetic and RL lost the language reward."""

from __future__ import annotations

import pytest
from r1verify_language import LanguageConsistency

from r1verify import Sample


def judge(reasoning: str, language: str = "en"):
    return LanguageConsistency().verify(Sample(f"<think>{reasoning}</think> 18", meta={"language": language}))


@pytest.mark.parametrize(
    "reasoning",
    [
        "Seven plus eleven is eighteen. Then eighteen minus seven is eleven.",
        "Seven plus eleven is eighteen.",
        "We add seven and eleven to get eighteen, then subtract seven to get eleven.",
        "Twelve times three is thirty six. Add four to get forty.",
    ],
)
def test_english_arithmetic_in_words_is_english(reasoning):
    verdict = judge(reasoning)
    assert verdict.score == 1.0, verdict.details


@pytest.mark.parametrize(
    ("reasoning", "language"),
    [
        ("Zeven plus elf is achttien. Dan achttien min zeven is elf.", "nl"),
        ("Sept plus onze font dix-huit. Ensuite dix-huit moins sept font onze.", "fr"),
        ("Sieben plus elf ist achtzehn. Dann achtzehn minus sieben ist elf.", "de"),
    ],
)
def test_other_languages_number_words_get_no_pass(reasoning, language):
    """Only the target's own number words count as the target: the same arithmetic in Dutch, French or German
    is not English (only the shared word "plus" is)."""
    english = judge(reasoning, "en")
    assert english.score < 0.2, english.details
    assert english.details["proportions"].get(language, 0) > 0.8
    assert judge(reasoning, language).score == 1.0


def test_number_words_do_not_hide_a_paragraph_in_another_language():
    french = "Nous devons d'abord calculer la somme des termes de la suite, puis diviser le résultat par sept."
    verdict = judge("Seven plus eleven is eighteen. " + french)
    assert 0.1 < verdict.score < 0.5 and verdict.details["proportions"]["fr"] > 0.5, verdict.details
