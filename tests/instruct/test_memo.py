"""The per-row memo (r1verify_instruct/memo.py) changes speed only: every bundled row grades exactly as without it."""

from __future__ import annotations

import nltk
import pytest

from r1verify_instruct import checkers, memo


def _texts(rows: list[dict]) -> list[str]:
    return [v for row in rows for v in dict.fromkeys(checkers.loose_variants(row["response"]))]


def _error(exc: Exception) -> str:
    return "error: " + str(exc).split("its checker would use")[0]  # what follows is the checker's random draw


def _unmemoised(row: dict, mode: str) -> list[bool] | str:
    """The plain official loop: every variant (duplicates too), no row scope (the view calls NLTK directly)."""
    try:
        built = [checkers.build(i, kw, row["prompt"]) for i, kw in zip(row["instruction_id_list"], row["kwargs"])]
    except checkers.InstructionError as exc:
        return _error(exc)
    variants = [row["response"]] if mode == "strict" else checkers.loose_variants(row["response"])
    return [any(checkers._follows(c, i, v) for v in variants) for i, (c, _) in zip(row["instruction_id_list"], built)]


def _memoised(row: dict, mode: str) -> list[bool] | str:
    try:
        outcomes = checkers.check(
            row["response"], row["instruction_id_list"], row["kwargs"], row["prompt"], mode
        )
    except checkers.InstructionError as exc:
        return _error(exc)
    return [o.followed for o in outcomes]


def test_the_view_is_installed():
    checkers.registries()
    from if_verifiable.ifbench import instructions as ifbench_instructions
    from if_verifiable.ifeval import instructions_util

    assert memo.install() is True
    assert isinstance(instructions_util.nltk, memo._NLTKView)
    assert isinstance(ifbench_instructions.nltk, memo._NLTKView)
    assert instructions_util.split_into_sentences.__wrapped_by_r1verify__


@pytest.mark.parametrize("mode", ["strict", "loose"])
def test_every_bundled_row_grades_as_without_the_memo(mode, ifbench_rows, ifeval_rows):
    checkers.registries()
    for row in ifeval_rows + ifbench_rows:
        assert _memoised(row, mode) == _unmemoised(row, mode), (row["key"], row["instruction_id_list"])


def test_word_tokenize_and_sentence_splits_are_nltks(ifbench_rows, ifeval_rows):
    """On every response and loose variant of the bundled data, inside one row scope (so later texts hit the
    cache of earlier ones' sentences): the same tokens as NLTK's word_tokenize, a new list each time."""
    checkers.registries()
    from if_verifiable.ifbench import instructions_util as ifbench_util
    from if_verifiable.ifeval import instructions_util as ifeval_util

    texts = _texts(ifeval_rows + ifbench_rows)
    plain = {
        text: (
            nltk.word_tokenize(text),
            ifeval_util.split_into_sentences.__wrapped__(text),
            ifbench_util.split_into_sentences.__wrapped__(text),
            ifeval_util.count_sentences.__wrapped__(text),
        )
        for text in texts
    }
    with memo.row_scope():
        for _ in range(2):  # the second pass is answered from the cache
            for text in texts:
                tokens = ifeval_util.nltk.word_tokenize(text)
                assert tokens == plain[text][0]
                tokens.append("mutated")  # callers get their own list
                assert ifeval_util.split_into_sentences(text) == plain[text][1]
                assert ifbench_util.split_into_sentences(text) == plain[text][2]
                assert ifeval_util.count_sentences(text) == plain[text][3]
        assert memo._current()
    assert memo._current() is None  # dropped when the row is done


def test_pos_tag_keeps_one_tagger_and_tags_as_nltk(ifbench_rows):
    checkers.registries()
    checkers._tagger()
    from if_verifiable.ifbench import instructions

    for row in ifbench_rows[:40]:
        tokens = nltk.word_tokenize(row["response"])[:60]
        assert instructions.nltk.pos_tag(tokens) == nltk.pos_tag(tokens)
    assert memo._tagger() is memo._tagger()
