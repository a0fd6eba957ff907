"""Which antlr4 runtime math-verify's LaTeX parser (latex2sympy2_extended) runs on in this pytest run.

latex2sympy2_extended ships a parser generated for each of antlr4 4.9.3, 4.11 and 4.13.2 and picks one by the
installed runtime's version. `make test` runs tests/math under both versions r1verify supports: in the venv
(constraints.txt: 4.9.3, what hydra-core and so every veRL install has) and again with 4.13.2 from a --target
directory first on PYTHONPATH (`make test-math-antlr`). R1VERIFY_TEST_ANTLR names the version a run expects.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXPECTED = os.environ.get("R1VERIFY_TEST_ANTLR")
# the ATN serialization version each runtime reads; a parser generated for the other one fails at import
ATN_VERSION = {"4.9.3": 3, "4.13.2": 4}

PROBE = """
import importlib.metadata, json
import antlr4
from antlr4.atn.ATNDeserializer import SERIALIZED_VERSION
from latex2sympy2_extended.antlr_parser import PSParser
dist = importlib.metadata.distribution("antlr4-python3-runtime")
print(json.dumps({"version": dist.version, "atn": SERIALIZED_VERSION, "code": antlr4.__file__,
                  "metadata": str(dist.locate_file("")), "parser": PSParser.__module__}))
"""


def _probe(runtime: dict) -> None:
    version = runtime["version"]
    assert version in ATN_VERSION, f"antlr4-python3-runtime {version}: r1verify supports {sorted(ATN_VERSION)}"
    assert runtime["atn"] == ATN_VERSION[version], (
        f"the antlr4 code imported reads ATN version {runtime['atn']}, but the metadata says {version}: "
        "code and dist-info come from different copies (check PYTHONPATH)"
    )
    assert Path(runtime["code"]).resolve().is_relative_to(Path(runtime["metadata"]).resolve()), (
        f"antlr4 imported from {runtime['code']}, its metadata from {runtime['metadata']}"
    )
    # 4.13.2 -> gen/antlr4_13_2, 4.9.3 -> gen/antlr4_9_3
    assert runtime["parser"] == f"latex2sympy2_extended.gen.antlr{version.replace('.', '_')}.PSParser"
    if EXPECTED:
        assert version == EXPECTED, (
            f"this run should use antlr4-python3-runtime {EXPECTED} (R1VERIFY_TEST_ANTLR) but has {version}: "
            "run `make setup` (the venv's version is constraints.txt's) or `make test-math-antlr` (the other one)"
        )


def test_latex_parser_runs_on_the_expected_runtime():
    """Here and in a child process (engine workers are children: they inherit PYTHONPATH)."""
    import antlr4
    from antlr4.atn.ATNDeserializer import SERIALIZED_VERSION
    from latex2sympy2_extended.antlr_parser import PSParser

    dist = importlib.metadata.distribution("antlr4-python3-runtime")
    here = {"version": dist.version, "atn": SERIALIZED_VERSION, "code": antlr4.__file__,
            "metadata": str(dist.locate_file("")), "parser": PSParser.__module__}
    _probe(here)
    child = json.loads(subprocess.check_output([sys.executable, "-c", PROBE], text=True))
    assert child == here


@pytest.mark.parametrize(
    ("latex", "value"),
    [(r"\frac{3}{4} + \sqrt{16}", "19/4"), (r"2^{10} - 24", "1000"), (r"\left(\frac{1}{2}\right)^{2}", "1/4")],
)
def test_latex_parses_on_this_runtime(latex, value):
    import sympy
    from latex2sympy2_extended import latex2sympy

    assert sympy.simplify(latex2sympy(latex) - sympy.Rational(value)) == 0


def test_math_verifier_grades_latex_on_this_runtime(math_engine):
    """The r1verify math verifier, in the engine's worker processes, grading answers only a LaTeX parse settles."""
    from r1verify import Sample

    samples = [
        Sample(prompt="p", completion=r"<think>.</think> $\boxed{\frac{6}{8}}$", reference=r"\frac{3}{4}", domain="r1"),
        Sample(prompt="p", completion=r"<think>.</think> $\boxed{\sqrt{2}/2}$", reference=r"\frac{1}{\sqrt{2}}",
               domain="r1"),
        Sample(prompt="p", completion=r"<think>.</think> $\boxed{\frac{5}{8}}$", reference=r"\frac{3}{4}", domain="r1"),
    ]
    statuses = [result.verdicts["r1"].status.value for result in math_engine.verify(samples)]
    assert statuses == ["correct", "correct", "wrong"]
