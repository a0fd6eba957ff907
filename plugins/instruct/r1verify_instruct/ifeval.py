"""The ``ifeval`` verifier: IFEval / IFBench instruction following, graded on the answer after the reasoning."""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from r1verify import Sample, Verdict, Verifier
from r1verify.templates import TemplateName

from .answer import Part, answer_or_verdict, graded_text
from .checkers import InstructionError, Mode, check


@dataclass(frozen=True)
class IFEvalOptions:
    mode: Mode = "strict"
    """``strict``: the answer as it is; ``loose``: the official variants too (first/last line removed, ``*``
    stripped), any passing counts."""
    part: Part = "answer"
    """What is graded: ``answer`` (after the reasoning; the default: instructions are about the response) or
    ``completion`` (everything, reasoning included)."""
    template: TemplateName = "r1"
    """Reasoning template that says where the answer starts (``r1``, ``qwen3``, ``sky-t1``, ``harmony``)."""
    ids_key: str = "instruction_id_list"
    """Column (``meta`` field) with the instruction ids; also read from a reference object."""
    kwargs_key: str = "kwargs"
    """Column with the per-instruction kwargs (a list of objects, or its JSON text), paired by position."""
    no_instructions: Literal["error", "skip"] = "error"
    """A row without instruction ids: ``error`` (it should have them), or ``skipped`` (mixed general data, where
    only some prompts carry verifiable instructions)."""


def _maybe_json(value: Any) -> Any:
    if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _tolist(value: Any) -> list[Any] | None:
    """A list from a list, tuple or array column (Parquet gives numpy arrays); ``None`` otherwise."""
    if isinstance(value, (list, tuple)):
        return list(value)
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        converted = value.tolist()
        return converted if isinstance(converted, list) else None
    return None


class IFEval(Verifier):
    """The fraction of a row's IFEval/IFBench instructions that the answer follows.

    ``correct`` when all are followed, ``partial`` (score = fraction) when some, ``wrong`` when none; ``no_answer``
    when the reasoning never ends or the answer is empty; ``error`` naming the id for an unknown instruction id or
    kwargs that do not fit it (never ``wrong``). ``details``: mode, ``results`` (followed or not, by position), the
    ids followed, and for each failed one its id and what it asked for.
    """

    name = "ifeval"
    Options = IFEvalOptions
    default_timeout = 10.0
    preload_modules = ("r1verify_instruct.preload",)

    def _row(self, sample: Sample) -> tuple[list[Any], list[Any]] | None:
        """The ids and kwargs; ``None`` when the row has none (no column, ``null`` or an empty list)."""
        meta = sample.meta if isinstance(sample.meta, dict) else {}
        source: Mapping[str, Any] = meta
        if self.options.ids_key not in meta:
            reference = _maybe_json(sample.reference)
            source = reference if isinstance(reference, Mapping) else {}
        raw_ids = source.get(self.options.ids_key)
        if raw_ids is None:
            return None
        ids = _tolist(_maybe_json(raw_ids))
        if ids == []:
            return None
        if not ids:
            raise InstructionError(f"{self.options.ids_key} must be a list of instruction ids, got {raw_ids!r}")
        raw_kwargs = _maybe_json(source.get(self.options.kwargs_key))
        kwargs = [{}] * len(ids) if raw_kwargs is None else _tolist(raw_kwargs)
        if kwargs is None:
            raise InstructionError(f"{self.options.kwargs_key} must be a list of objects, one per instruction")
        return ids, [_maybe_json(k) for k in kwargs]

    def cache_key(self, sample: Sample) -> Hashable:
        text, _ = graded_text(sample.completion, self.options.part, self.options.template)
        try:
            row = json.dumps(self._row(sample), sort_keys=True, default=str)
        except InstructionError as exc:
            row = f"invalid: {exc}"
        return text, row, sample.last_user_text

    def verify(self, sample: Sample) -> Verdict:
        try:
            row = self._row(sample)
        except InstructionError as exc:
            return Verdict.error(str(exc))
        if row is None:
            where = f"meta.{self.options.ids_key} or a reference object with {self.options.ids_key!r}"
            if self.options.no_instructions == "skip":
                return Verdict.skipped(f"no instruction ids ({where})")
            return Verdict.error(f"no instruction ids: the row needs a non-empty list in {where}")
        ids, kwargs = row
        common: dict[str, Any] = {"mode": self.options.mode, "instructions": len(ids)}
        graded = answer_or_verdict(sample.completion, self.options.part, self.options.template, **common)
        if isinstance(graded, Verdict):
            return graded
        text, common["graded"] = graded
        try:
            outcomes = check(text, ids, kwargs, sample.last_user_text, self.options.mode)
        except InstructionError as exc:
            return Verdict.error(str(exc), **common)
        followed = [o.instruction_id for o in outcomes if o.followed]
        failed = [{"id": o.instruction_id, "instruction": o.description} for o in outcomes if not o.followed]
        details = {**common, "results": [o.followed for o in outcomes], "followed": followed, "failed": failed}
        summary = f"{len(followed)}/{len(outcomes)} instructions followed ({self.options.mode})"
        if not failed:
            return Verdict.correct(summary, **details)
        shown = "; ".join(f"{f['id']} ({_short(f['instruction'])})" for f in failed[:3])
        more = f" and {len(failed) - 3} more" if len(failed) > 3 else ""
        reason = f"{summary}; not followed: {shown}{more}"
        if not followed:
            return Verdict.wrong(reason, **details)
        return Verdict.partial(len(followed) / len(outcomes), reason, **details)


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
