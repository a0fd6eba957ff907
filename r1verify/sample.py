"""What gets verified: one model output with its prompt and ground truth."""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from typing import Any

Message = dict[str, Any]
"""A chat message: ``{"role": "user", "content": "..."}``."""


@dataclass(slots=True)
class Sample:
    """One model output to verify.

    - ``completion``: the model's output text (reasoning and final answer).
    - ``prompt``: the prompt as text or as chat messages; optional.
    - ``reference``: the ground truth in whatever form the verifier understands (an answer string, a MATH
      solution, a list of acceptable answers, test cases, ...); ``None`` when there is none.
    - ``domain``: ``"math"``, ``"code"``, ``"general"``, ...; recipes route verifiers by it.
    - ``meta``: every other column of the dataset row (e.g. ``language``, ``id``).
    """

    completion: str
    prompt: str | list[Message] | None = None
    reference: Any = None
    domain: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.completion, str):
            raise TypeError(f"completion must be a string, got {type(self.completion).__name__}")
        if self.prompt is not None and not isinstance(self.prompt, (str, list)):
            raise TypeError(f"prompt must be a string or a list of chat messages, got {type(self.prompt).__name__}")
        if self.domain is not None and not isinstance(self.domain, str):
            raise TypeError(f"domain must be a string, got {type(self.domain).__name__}")

    def __reduce__(self) -> tuple[Any, ...]:
        # Samples cross process boundaries in bulk: a plain tuple pickles several times faster than slots.
        return (Sample, (self.completion, self.prompt, self.reference, self.domain, self.meta))

    @property
    def prompt_text(self) -> str:
        """The prompt as plain text: chat messages are joined by their contents, the last one last."""
        if self.prompt is None:
            return ""
        if isinstance(self.prompt, str):
            return self.prompt
        return "\n".join(str(m.get("content", "")) for m in self.prompt if isinstance(m, dict))

    @property
    def last_user_text(self) -> str:
        """What the user asked last: the last user message of a chat (the instruction a reply answers), or the
        prompt text."""
        if isinstance(self.prompt, list):
            for message in reversed(self.prompt):
                if isinstance(message, dict) and message.get("role", "user") == "user":
                    return str(message.get("content", ""))
        return self.prompt_text

    def fingerprint(self) -> bytes:
        """Bytes identifying every field with its type (``1`` and ``"1"`` differ); the default unit of
        de-duplication. Equal samples built in a different key order may differ: that only costs a re-run."""
        return pickle.dumps(
            (self.completion, self.prompt, self.reference, self.domain, self.meta), protocol=pickle.HIGHEST_PROTOCOL
        )
