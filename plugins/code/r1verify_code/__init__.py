"""The ``code`` verifier for r1verify: runs model-written programs against tests in the r1verify sandbox."""

from .compare import stdout_matches, values_match
from .extract import Extracted, NoProgram, extract_program, final_answer
from .options import CodeOptions
from .suite import AssertTest, BadReference, CallTest, StdioTest, TestSuite, parse_reference
from .verifier import CodeVerifier

__all__ = [
    "AssertTest",
    "BadReference",
    "CallTest",
    "CodeOptions",
    "CodeVerifier",
    "Extracted",
    "NoProgram",
    "StdioTest",
    "TestSuite",
    "extract_program",
    "final_answer",
    "parse_reference",
    "stdout_matches",
    "values_match",
]
