"""r1verify-instruct: verifiable rewards for the general domain (instruction following, structured output).

Verifiers: ``ifeval`` (IFEval and IFBench instructions, via ``if-verifiable``). See docs/instruct.md.
"""

from .ifeval import IFEval, IFEvalOptions

__all__ = ["IFEval", "IFEvalOptions"]
