"""Backends that run the dataset commands (verify, filter, reject) somewhere other than this process's engine.

``local`` is :class:`r1verify.pipeline.VerifyStream`. ``ray`` (:mod:`r1verify.backends.ray_stream`) maps input
shards over a Ray cluster, one long-lived :class:`~r1verify.Engine` per actor. Nothing here imports Ray until a
Ray backend is asked for.
"""

from __future__ import annotations

from typing import Any

RAY_INSTALL = "pip install 'r1verify[ray]'"


class BackendError(RuntimeError):
    """A backend cannot run (its package is missing, the cluster is unreachable, a cluster task failed)."""


def require_ray() -> Any:
    """``import ray`` (with Ray Data), or :class:`BackendError` naming the install command."""
    try:
        import ray
        import ray.data  # noqa: F401 - Ray Data needs pandas/pyarrow; missing pieces fail here, not mid-run
    except ImportError as exc:
        raise BackendError(
            f"--backend ray needs Ray Data ({exc.msg}); install it with: {RAY_INSTALL}"
        ) from None
    return ray
