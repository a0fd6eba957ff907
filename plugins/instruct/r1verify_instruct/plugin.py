"""Entry point of r1verify-instruct: registers its verifiers with r1verify."""

from r1verify import hookimpl

from .ifeval import IFEval
from .json_schema import JSONSchema
from .tool_call import ToolCall


@hookimpl
def register_verifiers(register):
    for cls in (IFEval, JSONSchema, ToolCall):
        register(cls)
