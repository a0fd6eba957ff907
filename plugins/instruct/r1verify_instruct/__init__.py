"""r1verify-instruct: verifiable rewards for the general domain (instruction following, structured output).

Verifiers: ``ifeval`` (IFEval and IFBench instructions, via ``if-verifiable``), ``json_schema`` (JSON against a
JSON Schema) and ``tool_call`` (function calls against reference calls). See docs/instruct.md.
"""

from .ifeval import IFEval, IFEvalOptions
from .json_schema import JSONSchema, JSONSchemaOptions
from .tool_call import ToolCall, ToolCallOptions

__all__ = ["IFEval", "IFEvalOptions", "JSONSchema", "JSONSchemaOptions", "ToolCall", "ToolCallOptions"]
