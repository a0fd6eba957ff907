"""The Verifier base class that plugins subclass."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, ClassVar, Literal

from .options import NoOptions, parse_options
from .sample import Sample
from .verdict import Verdict

Placement = Literal["pool", "dedicated", "inline"]
"""Where the engine runs a verifier's calls.

- ``"pool"`` (default): CPU-bound per-sample work, spread over the engine's worker processes. Every call has
  a hard deadline; a worker past it is killed and replaced.
- ``"dedicated"``: one long-lived process of its own that receives whole batches through
  :meth:`Verifier.verify_batch` (a reward model loaded once, not once per worker). A batch past its deadline
  kills that process; it is started again for the next batch.
- ``"inline"``: ``verify_batch`` runs in a thread of the calling process. Only for verifiers whose work
  happens behind another isolation boundary that enforces its own deadlines (the Docker sandbox, a remote
  HTTP service). The engine still stops waiting at the batch deadline and reports ``timeout``.
"""


class Verifier:
    """Base class for verifiers. Subclass it, set ``name`` and ``Options``, implement :meth:`verify`.

    Example::

        @dataclass(frozen=True)
        class ContainsOptions:
            needle: str = "42"

        class Contains(Verifier):
            name = "contains"
            Options = ContainsOptions

            def verify(self, sample: Sample) -> Verdict:
                if self.options.needle in sample.completion:
                    return Verdict.correct()
                return Verdict.wrong(f"{self.options.needle!r} not in the completion")

    Instances must pickle (they are sent to worker processes): keep options and plain data on ``self``,
    create heavy or unpicklable things lazily (see :meth:`__getstate__`).
    """

    name: ClassVar[str]
    """The registered name, used in recipes and on the CLI."""
    Options: ClassVar[type] = NoOptions
    """A dataclass of typed options; unknown options are an error."""
    placement: ClassVar[Placement] = "pool"
    """Where the engine runs this verifier; see :data:`Placement`."""
    default_timeout: ClassVar[float] = 10.0
    """Hard deadline per call in seconds, unless the recipe sets ``timeout``."""
    preload_modules: ClassVar[tuple[str, ...]] = ()
    """Modules worth importing once in the worker fork server (e.g. ``("sympy",)``) so that new workers
    start warm."""

    def __init__(self, **options: Any) -> None:
        self.options = parse_options(self.Options, options, owner=f"verifier {self.name!r}")

    def verify(self, sample: Sample) -> Verdict:
        """Judge one sample. Raise freely: the engine turns exceptions into ``error`` verdicts."""
        raise NotImplementedError

    def verify_batch(self, samples: Sequence[Sample]) -> list[Verdict]:
        """Judge several samples; override when batching pays (models, sandboxes). Same order as input."""
        return [self.verify(s) for s in samples]

    def cache_key(self, sample: Sample) -> Hashable:
        """What makes two samples the same work for this verifier (runs in the calling process, keep it cheap).

        The default is every field of the sample. Narrow it when the verdict depends on less, e.g. only the
        final answer and the reference; identical keys within a batch are verified once and cached.
        """
        return sample.fingerprint()

    def batch_deadline(self, n: int, timeout: float) -> float:
        """Hard deadline for a ``verify_batch`` call of ``n`` samples (``dedicated``/``inline`` placements)."""
        return timeout * max(1, n)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.options!r})"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.options == self.options  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self), repr(self.options)))

    def __getstate__(self) -> dict[str, Any]:
        # Only the options travel; caches and lazily built objects are rebuilt where the verifier runs.
        return {"options": self.options}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.options = state["options"]
