"""Rejection sampling logic: grouping, selection rules, dedupe, pass@k."""

from __future__ import annotations

import math
from itertools import combinations

import pytest

from r1verify.io import Row
from r1verify.pipeline import Verified
from r1verify.rejection import (
    RejectionStats,
    UnsortedInput,
    group_key_function,
    group_label,
    groups,
    pass_at_k,
    select,
    sorted_by_group,
)
from r1verify.result import Result
from r1verify.sample import Sample


def item(prompt: str, completion: str, reward: float, passed: bool, n: int = 0) -> Verified:
    row = Row(f"in.jsonl:{n}", {"prompt": prompt, "completion": completion})
    return Verified(row, Sample(completion, prompt=prompt), Result(reward, passed, {}, {}))


@pytest.mark.parametrize("n, c, k", [(5, 2, 1), (5, 2, 2), (8, 3, 4), (4, 0, 2), (4, 4, 3), (6, 5, 2)])
def test_pass_at_k_matches_brute_force(n, c, k):
    outcomes = [True] * c + [False] * (n - c)
    subsets = list(combinations(range(n), k))
    expected = sum(any(outcomes[i] for i in s) for s in subsets) / len(subsets)
    assert math.isclose(pass_at_k(n, c, k), expected)


def test_select_rules_dedupe_and_tie_breaks():
    group = [
        item("p", "long correct answer 4", 1.0, True, 1),
        item("p", "wrong", 0.0, False, 2),
        item("p", "short 4", 1.0, True, 3),
        item("p", "short   4", 1.0, True, 4),  # same text up to whitespace: dropped
        item("p", "ok 4 but lower", 0.8, True, 5),
    ]
    assert [v.row.where for v in select(group, "best", 1)] == ["in.jsonl:3"]  # tie on reward -> shorter
    assert [v.row.where for v in select(group, "best", 2)] == ["in.jsonl:3", "in.jsonl:1"]
    assert [v.row.where for v in select(group, "first", 2)] == ["in.jsonl:1", "in.jsonl:3"]
    assert [v.row.where for v in select(group, "all", 1)] == ["in.jsonl:1", "in.jsonl:3", "in.jsonl:5"]
    assert select([item("p", "x", 0.0, False)], "best", 1) == []


def test_groups_are_contiguous_runs_and_a_returning_prompt_is_an_error():
    key = group_key_function(None, "prompt")
    items = [item("a", "1", 1, True), item("a", "2", 1, True), item("b", "3", 1, True)]
    assert [(group_label(k), len(g)) for k, g in groups(items, key)] == [("a", 2), ("b", 1)]
    with pytest.raises(UnsortedInput, match="--unsorted"):
        list(groups([*items, item("a", "4", 1, True, 9)], key))


def test_group_by_a_missing_column_names_the_row():
    key = group_key_function("problem_id", "prompt")
    with pytest.raises(Exception, match="in.jsonl:7: field 'problem_id': missing"):
        list(groups([item("a", "1", 1, True, 7)], key))


def test_sorted_by_group_groups_on_disk_and_keeps_order_inside_groups():
    rows = [Row(f"f:{i}", {"prompt": p, "i": i}) for i, p in enumerate("abacbca")]
    out = list(sorted_by_group(rows, group_key_function(None, "prompt")))
    assert [(r.data["prompt"], r.data["i"]) for r in out] == [
        ("a", 0),
        ("a", 2),
        ("a", 6),
        ("b", 1),
        ("b", 4),
        ("c", 3),
        ("c", 5),
    ]
    assert out[0].where == "f:0"


def test_stats_accumulate_pass_rates_and_pass_at_k():
    stats = RejectionStats(ks=(1, 2))
    g1 = [item("a", "x", 1, True), item("a", "y", 0, False)]
    g2 = [item("b", "x", 0, False), item("b", "y", 0, False)]
    line = stats.add(g1, g1[:1])
    assert line == {"n": 2, "passed": 1, "pass_rate": 0.5, "kept": 1, "pass@1": 0.5, "pass@2": 1.0}
    stats.add(g2, [])
    data = stats.to_dict()
    assert data["prompts"] == 2 and data["prompts_without_a_pass"] == 1 and data["kept"] == 1
    assert data["pass_at_k"] == {"pass@1": 0.25, "pass@2": 0.5}
