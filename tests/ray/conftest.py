"""One local Ray instance per test module: 2 CPUs, no dashboard, listening on 127.0.0.1 only.

Ray is an optional extra (`r1verify[ray]`, installed by `make setup`): without it these tests fail in CI and are
skipped elsewhere, like the Docker tests.
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("RAY_DISABLE_IMPORT_WARNING", "1")
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")


def import_ray():
    """Ray with Ray Data (and no Ray instance in this process): a failure in CI, a skip elsewhere."""
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Ray Data is missing in CI ({exc}); `make setup` installs it with r1verify[ray]")
        pytest.skip(f"Ray Data is not installed ({exc}); pip install 'r1verify[ray]'")
    if ray.is_initialized():
        ray.shutdown()
    return ray


@pytest.fixture(scope="module")
def ray_local():
    ray = import_ray()
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        configure_logging=False,
        _node_ip_address="127.0.0.1",
    )
    yield ray
    ray.shutdown()
