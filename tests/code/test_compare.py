"""Output comparison: whitespace-tolerant by default, optional float tolerance, strict types for values."""

from __future__ import annotations

import pytest
from r1verify_code import stdout_matches, values_match


@pytest.mark.parametrize("got", ["1 2\n3\n", "1 2  \n3", "1 2\r\n3\r\n\n\n", "1 2\n3\n   \n"])
def test_lines_mode_ignores_trailing_whitespace_and_blank_lines(got):
    assert stdout_matches(got, "1 2\n3\n")


@pytest.mark.parametrize("got", ["1  2\n3\n", "1 2 3\n", " 1 2\n3\n", "1 2\n\n3\n", "3\n1 2\n", "1 2\n"])
def test_lines_mode_still_sees_content(got):
    assert not stdout_matches(got, "1 2\n3\n")


def test_tokens_and_exact_modes():
    assert stdout_matches("1\n2   3", "1 2 3\n", mode="tokens")
    assert not stdout_matches("1 2 3 4", "1 2 3", mode="tokens")
    assert not stdout_matches("1 2 3", "1 2 3\n", mode="exact") and stdout_matches("a\n", "a\n", mode="exact")


def test_float_tolerance_only_when_asked():
    assert not stdout_matches("0.3333333\n", "0.333333333\n")
    assert stdout_matches("0.3333333\n", "0.333333333\n", float_tol=1e-6)
    assert not stdout_matches("0.34\n", "0.333333333\n", float_tol=1e-6)
    assert stdout_matches("x 1.0000001\n", "x 1\n", float_tol=1e-6)
    assert not stdout_matches("y 1.0\n", "x 1.0\n", float_tol=1e-6)


def test_case_insensitive_option():
    assert not stdout_matches("yes\n", "YES\n")
    assert stdout_matches("yes\n", "YES\n", case_sensitive=False)


def test_values_match_is_strict_about_types():
    assert values_match([1, [2, 3]], [1, [2, 3]])
    assert not values_match(True, 1) and not values_match(1, True)
    assert not values_match("1", 1)
    assert values_match(0.1 + 0.2, 0.3, float_tol=1e-9) and not values_match(0.1 + 0.2, 0.3)
    assert values_match({"a": [1.0]}, {"a": [1]})
    assert not values_match({"a": 1}, {"a": 1, "b": 2})
