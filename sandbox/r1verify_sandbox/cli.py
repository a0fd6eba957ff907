"""``r1verify sandbox ...``: build the image, show the state, remove leftovers."""

from __future__ import annotations

import click

from .errors import SandboxError


@click.group("sandbox")
def sandbox_command() -> None:
    """The Docker sandbox that runs model-written programs (used by the code verifier)."""


@sandbox_command.command("build")
@click.option(
    "--offline",
    is_flag=True,
    help="No registry: bootstrap the base with mmdebstrap + docker import and build with --network none.",
)
@click.option("--base", metavar="IMAGE", help="Base image [default: debian:bookworm-slim; offline: a bootstrap].")
@click.option("--tag", metavar="TAG", help="Image tag [default: the tag this version of r1verify-sandbox uses].")
@click.option("--mirror", metavar="URL", help="Debian mirror for the offline bootstrap.")
def build_command(offline: bool, base: str | None, tag: str | None, mirror: str | None) -> None:
    """Build the sandbox image (Python 3, g++ and the runner)."""
    from .image_build import DEFAULT_MIRROR, build_image

    try:
        built = build_image(offline=offline, base=base, tag=tag, mirror=mirror or DEFAULT_MIRROR)
    except SandboxError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(built)


@sandbox_command.command("status")
def status_command() -> None:
    """The engine, whether the image is built, and the sandbox containers that exist."""
    from . import docker
    from .image_build import default_tag

    try:
        version = docker.engine_version()
    except SandboxError as exc:
        raise click.ClickException(str(exc)) from None
    tag = default_tag()
    click.echo(f"engine: Docker {version}")
    click.echo(f"image:  {tag} ({'built' if docker.image_exists(tag) else 'missing: run `r1verify sandbox build`'})")
    rows = docker.labelled_containers()
    dead = sum(docker.owner_is_dead(owner) for _, owner in rows)
    click.echo(f"containers: {len(rows)} ({dead} left by dead processes)")


@sandbox_command.command("clean")
@click.option("--all", "remove_all", is_flag=True, help="Remove every sandbox container, also those of live processes.")
def clean_command(remove_all: bool) -> None:
    """Remove sandbox containers left behind by processes that died."""
    from . import docker

    try:
        if remove_all:
            names = [name for name, _ in docker.labelled_containers()]
            docker.remove_containers(names)
        else:
            names = docker.remove_leftovers()
    except SandboxError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"removed {len(names)} container(s)")
