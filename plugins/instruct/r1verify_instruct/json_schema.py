"""The ``json_schema`` verifier: the answer is JSON that validates against the row's JSON Schema."""

from __future__ import annotations

import copy
import json
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from r1verify import Sample, Verdict, Verifier
from r1verify.templates import TemplateName

from .answer import Part, answer_or_verdict, graded_text
from .fences import fenced_blocks

Source = Literal["auto", "fenced", "whole"]
ExtraKeys = Literal["schema", "forbid"]


@dataclass(frozen=True)
class JSONSchemaOptions:
    source: Source = "auto"
    """Where the JSON is: ``auto`` (the last fenced block if the answer has one, else the whole answer),
    ``fenced`` (the last fenced block only; none is ``format_error``), ``whole`` (the whole answer, nothing else)."""
    extra_keys: ExtraKeys = "schema"
    """``schema``: keys beyond ``properties`` are allowed where the schema allows them (JSON Schema's default);
    ``forbid``: every object schema with ``properties`` and no ``additionalProperties`` rejects other keys."""
    check_formats: bool = True
    """Validate ``format`` (``date``, ``email``, ``uri``, ...) where jsonschema can."""
    schema_key: str = "schema"
    """The column (``meta`` field) with the schema (an object or its JSON text); else the reference is the schema."""
    part: Part = "answer"
    template: TemplateName = "r1"


def _load_schema(sample: Sample, key: str) -> Any:
    meta = sample.meta if isinstance(sample.meta, dict) else {}
    schema = meta.get(key, sample.reference)
    if isinstance(schema, str):
        try:
            schema = json.loads(schema)
        except ValueError as exc:
            raise ValueError(f"the row's schema is not JSON: {exc}") from None
    if not isinstance(schema, (Mapping, bool)):
        raise ValueError(f"no JSON schema: give meta.{key} or a reference object (got {type(schema).__name__})")
    return schema


def forbid_extra_keys(schema: Any) -> Any:
    """A copy of ``schema`` where every object schema with ``properties`` and no ``additionalProperties`` (nor
    ``patternProperties`` / ``unevaluatedProperties``) gets ``additionalProperties: false``."""
    schema = copy.deepcopy(schema)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            open_keys = ("additionalProperties", "patternProperties", "unevaluatedProperties")
            if "properties" in node and not any(k in node for k in open_keys):
                node["additionalProperties"] = False
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return schema


def json_path(parts: Any) -> str:
    """``$.a.b[0]`` for jsonschema's ``absolute_path``."""
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


class JSONSchema(Verifier):
    """The answer parses as JSON and validates against the row's JSON Schema (``jsonschema``).

    ``correct``; ``wrong`` with the first violation's path and message in the reason (``details``: every violation
    up to 10); ``format_error`` when the answer is not JSON (or has no fenced block with ``source=fenced``);
    ``no_answer`` when the reasoning never ends or the answer is empty; ``error`` for a missing or invalid schema.
    """

    name = "json_schema"
    Options = JSONSchemaOptions
    default_timeout = 5.0

    def cache_key(self, sample: Sample) -> Hashable:
        text, _ = graded_text(sample.completion, self.options.part, self.options.template)
        meta = sample.meta if isinstance(sample.meta, dict) else {}
        return text, json.dumps(meta.get(self.options.schema_key, sample.reference), sort_keys=True, default=str)

    def _document(self, text: str) -> tuple[str | None, str]:
        blocks = fenced_blocks(text)
        if self.options.source == "fenced" or (self.options.source == "auto" and blocks):
            if not blocks:
                return None, "no fenced block in the answer"
            return blocks[-1][1], "the last fenced block"
        return text, "the whole answer"

    def verify(self, sample: Sample) -> Verdict:
        import jsonschema
        from jsonschema.exceptions import SchemaError
        from referencing import Registry
        from referencing.exceptions import Unresolvable

        try:
            schema = _load_schema(sample, self.options.schema_key)
        except ValueError as exc:
            return Verdict.error(str(exc))
        graded = answer_or_verdict(sample.completion, self.options.part, self.options.template)
        if isinstance(graded, Verdict):
            return graded
        body, where = self._document(graded[0])
        if body is None:
            return Verdict.format_error(where)
        try:
            document = json.loads(body)
        except ValueError as exc:
            return Verdict.format_error(f"{where} is not JSON: {exc}", source=where)
        if self.options.extra_keys == "forbid":
            schema = forbid_extra_keys(schema)
        cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
        try:
            cls.check_schema(schema)
        except SchemaError as exc:
            return Verdict.error(f"the row's schema is invalid: {exc.message}")
        checker = cls.FORMAT_CHECKER if self.options.check_formats else None
        # an empty registry: no remote $ref is ever fetched (jsonschema's default would retrieve them over HTTP)
        validator = cls(schema, format_checker=checker, registry=Registry())
        try:
            errors = sorted(validator.iter_errors(document), key=lambda e: (list(map(str, e.absolute_path)), e.message))
        except Unresolvable as exc:  # remote or missing $ref: never fetched
            return Verdict.error(f"the row's schema has a $ref that cannot be resolved offline: {exc}")
        if not errors:
            return Verdict.correct(f"{where} validates", source=where)
        first = errors[0]
        listed = [{"path": json_path(e.absolute_path), "message": e.message, "rule": e.validator} for e in errors[:10]]
        more = f" ({len(errors)} violations)" if len(errors) > 1 else ""
        reason = f"{where} violates the schema at {json_path(first.absolute_path)}: {first.message}{more}"
        return Verdict.wrong(reason, source=where, violations=listed, count=len(errors))
