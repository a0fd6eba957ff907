from __future__ import annotations

import os
from pathlib import Path

import pytest

from ..sandbox.fixtures import docker_pool, sandbox_image  # noqa: F401 - fixtures (the code agent test)

BEHAVE_RECIPE = Path(__file__).with_name("behave.toml")


@pytest.fixture
def openrlhf():
    """OpenRLHF's own rollout modules (see openrlhf_harness); its agent.py imports aiohttp at the top."""
    try:
        import aiohttp  # noqa: F401
    except ImportError:
        message = "aiohttp is missing: pip install -c constraints.txt -e 'adapters/openrlhf[test]'"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from .openrlhf_harness import load_openrlhf

    return load_openrlhf()


@pytest.fixture
def behave_recipe(behave_plugin) -> Path:
    """A recipe of the misbehaving test verifier 'behave' (tests/helpers.py), registered for the test."""
    return BEHAVE_RECIPE


@pytest.fixture(autouse=True)
def _fresh_shared_services():
    """Each test gets its own reward-function/agent services (and engine caches)."""
    from r1verify_openrlhf.service import close_shared_services

    yield
    close_shared_services()


@pytest.fixture
def r1verify_cli():
    """Run ``r1verify ARGS...`` in this process (so test verifiers are visible); returns click's Result."""
    from click.testing import CliRunner

    from r1verify.cli import cli
    from r1verify.plugins import load_plugins, pm

    load_plugins()
    pm.hook.register_commands(cli=cli)

    def run(*args: str):
        return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)

    return run


@pytest.fixture
def serve_in_thread():
    """Start the reward server app in a thread of this process (test verifiers stay visible); yields its URL.
    The server is stopped (gracefully, like SIGTERM) at the end of the test."""
    import threading
    import time

    from r1verify_openrlhf.server import bind, create_app, uvicorn_server

    servers = []

    def start(service, **app_options) -> str:
        sock = bind("127.0.0.1", 0)
        server = uvicorn_server(create_app(service, **app_options), graceful_timeout=30)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        servers.append((server, thread, sock))
        for _ in range(500):
            if server.started:
                break
            time.sleep(0.01)
        assert server.started, "the server did not start"
        return f"http://127.0.0.1:{sock.getsockname()[1]}"

    yield start
    for server, thread, sock in servers:
        server.should_exit = True
        thread.join(60)
        sock.close()
