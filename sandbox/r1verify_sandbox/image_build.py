"""Building the sandbox image: ``docker build`` of sandbox/image, on a registry base or an offline bootstrap."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from . import docker
from .errors import SandboxError

REPOSITORY = "r1verify-sandbox"
DEFAULT_BASE = "debian:bookworm-slim"
OFFLINE_SUITE = "bookworm"
OFFLINE_PACKAGES = (
    "python3",
    "g++",
    "libc6-dev",
    "openjdk-17-jdk-headless",
    "nodejs",
    "golang-go",
    "rustc",
)
"""Debian packages of the offline base: the runtimes and compilers of the built-in languages (python, cpp) and
of the code plugin's (java, javascript, go, rust)."""
DEFAULT_MIRROR = "http://deb.debian.org/debian"
_CONTEXT_FILES = ("Dockerfile", "runner.py")
_RUNNER_PACKAGE = "r1runner"
"""The runner's package (``sandbox/image/r1runner/``): every ``*.py`` in it is part of the image and of its tag."""


def context_dir() -> Path:
    """The image's build context (``sandbox/image`` in the source tree; package data once installed)."""
    return Path(str(resources.files("r1verify_sandbox.image")))


def context_files() -> list[str]:
    """The files the image is built from, relative to :func:`context_dir`: the Dockerfile, the runner's script
    and its package's modules (sorted; no bytecode)."""
    package = sorted(p.name for p in (context_dir() / _RUNNER_PACKAGE).glob("*.py"))
    return [*_CONTEXT_FILES, *(f"{_RUNNER_PACKAGE}/{name}" for name in package)]


def default_tag() -> str:
    """``r1verify-sandbox:<hash>``: the hash of the files the image is built from (names and bytes), so a changed
    runner means a new image."""
    digest = hashlib.sha256()
    for name in context_files():
        data = (context_dir() / name).read_bytes()
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return f"{REPOSITORY}:{digest.hexdigest()[:12]}"


def offline_base_tag() -> str:
    packages = hashlib.sha256(" ".join(OFFLINE_PACKAGES).encode()).hexdigest()[:8]
    return f"{REPOSITORY}-base:{OFFLINE_SUITE}-{packages}"


def _echo(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def bootstrap_base(tag: str, *, mirror: str = DEFAULT_MIRROR, log: Callable[[str], None] = _echo) -> None:
    """Make a Debian base image with the language runtimes, with ``mmdebstrap`` + ``docker import`` (no registry)."""
    if shutil.which("mmdebstrap") is None:
        raise SandboxError("the offline build needs mmdebstrap (Debian/Ubuntu: `apt-get install mmdebstrap`)")
    log(f"bootstrapping {tag} with mmdebstrap ({OFFLINE_SUITE}: {', '.join(OFFLINE_PACKAGES)}) from {mirror}")
    strap = subprocess.Popen(
        [
            "mmdebstrap",
            "--quiet",
            "--variant=minbase",
            f"--include={','.join(OFFLINE_PACKAGES)}",
            "--dpkgopt=path-exclude=/usr/share/doc/*",
            "--dpkgopt=path-exclude=/usr/share/man/*",
            "--dpkgopt=path-exclude=/usr/share/locale/*",
            # openjdk's postinst links its man page into man1 and fails when the excluded directory is missing
            '--essential-hook=mkdir -p "$1/usr/share/man/man1"',
            OFFLINE_SUITE,
            "-",
            mirror,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    imported = subprocess.run(
        [docker.docker_binary(), "import", "-", tag], stdin=strap.stdout, capture_output=True, text=True, check=False
    )
    strap.stdout.close()  # type: ignore[union-attr]
    strap_err = strap.stderr.read().decode("utf-8", "replace")  # type: ignore[union-attr]
    if strap.wait() != 0 or imported.returncode != 0:
        docker.docker(["rmi", "--force", tag], check=False)  # an import of a failed bootstrap is an empty image
        detail = (strap_err.strip() or imported.stderr.strip()).splitlines()[-5:]
        raise SandboxError(f"bootstrapping the base image failed: {' | '.join(detail)}")


def _legacy_builder_env() -> dict[str, str]:
    """Use BuildKit when the buildx plugin is there, else the classic builder (Debian's docker.io)."""
    env = dict(os.environ)
    if docker.docker(["buildx", "version"], check=False).returncode != 0:
        env["DOCKER_BUILDKIT"] = "0"
    return env


def build_image(
    *,
    offline: bool = False,
    base: str | None = None,
    tag: str | None = None,
    mirror: str = DEFAULT_MIRROR,
    log: Callable[[str], None] = _echo,
) -> str:
    """Build the sandbox image and return its tag (also tagged ``r1verify-sandbox:latest``).

    ``offline``: bootstrap the base with mmdebstrap (unless ``base`` is given) and build with ``--network none``.
    Otherwise ``base`` (default ``debian:bookworm-slim``) comes from a registry and apt installs what it lacks.
    """
    docker.engine_version()
    tag = tag or default_tag()
    if offline and base is None:
        base = offline_base_tag()
        if not docker.image_exists(base):
            bootstrap_base(base, mirror=mirror, log=log)
    base = base or DEFAULT_BASE
    log(f"building {tag} on {base}")
    argv = [docker.docker_binary(), "build", "--build-arg", f"BASE={base}", "-t", tag, "-t", f"{REPOSITORY}:latest"]
    if offline:
        argv += ["--network", "none"]
    proc = subprocess.run(
        [*argv, str(context_dir())], capture_output=True, text=True, env=_legacy_builder_env(), check=False
    )
    if proc.returncode != 0:
        detail = (proc.stderr.strip() or proc.stdout.strip()).splitlines()[-8:]
        hint = "" if offline else " (no registry or network? try `r1verify sandbox build --offline`)"
        raise SandboxError(f"docker build failed{hint}: {' | '.join(detail)}")
    return tag


def ensure_image(*, offline: bool = True, log: Callable[[str], None] = _echo) -> str:
    """The default image, built first if this engine lacks it (used by tests and CI)."""
    tag = default_tag()
    if not docker.image_exists(tag):
        build_image(offline=offline, log=log)
    return tag
