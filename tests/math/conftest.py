"""One engine for the whole math test package: two workers, one `math` instance per configuration.

Samples are routed by domain: ``r1`` (the defaults: grade after ``</think>``), ``plain`` (grade the whole
completion, for data without reasoning tags), ``any`` (plain, with every fallback), ``fast`` (defaults with a
1.5 s deadline, for the pathological inputs), ``sky`` (Sky-T1 template, lenient preset, no delimiter required).
"""

from __future__ import annotations

import pytest

from r1verify import Engine, Recipe

PLAIN = {"delimiter": "", "require_delimiter": False}
ALL_FALLBACKS = {**PLAIN, "fallbacks": ["answer_is", "gsm8k", "last_math", "last_line"]}
FAST_DEADLINE = 1.5

RECIPE = {
    "verifiers": {
        "r1": {"verifier": "math", "domains": ["r1"]},
        "plain": {"verifier": "math", "domains": ["plain"], "options": PLAIN},
        "any": {"verifier": "math", "domains": ["any"], "options": ALL_FALLBACKS},
        "fast": {"verifier": "math", "domains": ["fast"], "timeout": FAST_DEADLINE},
        "sky": {
            "verifier": "math",
            "domains": ["sky"],
            "options": {"template": "sky-t1", "require_delimiter": False, "preset": "lenient"},
        },
    }
}


@pytest.fixture(scope="package")
def math_engine():
    with Engine(Recipe.from_dict(RECIPE, name="math-tests"), workers=2) as engine:
        yield engine
