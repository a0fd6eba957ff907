"""The image is built from the runner's script and every module of its package, and tagged by all of them."""

from __future__ import annotations

import shutil
import subprocess
import sys

from r1verify_sandbox import image_build
from r1verify_sandbox.backends import RUNNER_IN_IMAGE
from r1verify_sandbox.image_build import context_dir, context_files, default_tag


def test_the_context_is_the_dockerfile_the_script_and_every_runner_module():
    files = context_files()
    modules = sorted(p.name for p in (context_dir() / "r1runner").glob("*.py"))
    assert files[:2] == ["Dockerfile", "runner.py"] and files[2:] == [f"r1runner/{m}" for m in modules]
    assert {"r1runner/__init__.py", "r1runner/main.py", "r1runner/protocol.py"} <= set(files)
    assert all((context_dir() / f).is_file() for f in files)


def test_the_dockerfile_and_dockerignore_ship_the_package():
    dockerfile = (context_dir() / "Dockerfile").read_text()
    assert "COPY runner.py /opt/r1verify/runner.py" in dockerfile and RUNNER_IN_IMAGE == "/opt/r1verify/runner.py"
    assert "COPY r1runner/ /opt/r1verify/r1runner/" in dockerfile
    ignore = (context_dir() / ".dockerignore").read_text().split()
    assert "!r1runner" in ignore and "r1runner/__pycache__" in ignore


def test_the_tag_follows_every_runner_module(tmp_path, monkeypatch):
    original = default_tag()
    copy = tmp_path / "image"
    shutil.copytree(context_dir(), copy)
    monkeypatch.setattr(image_build, "context_dir", lambda: copy)
    before = image_build.default_tag()
    assert before == original  # the same files, wherever they are (bytecode is not part of the image's tag)
    with (copy / "r1runner" / "workdir.py").open("a") as fh:
        fh.write("\n")
    changed = image_build.default_tag()
    (copy / "r1runner" / "extra.py").write_text("")
    assert len({before, changed, image_build.default_tag()}) == 3


def test_the_script_imports_its_package_under_isolated_mode_from_any_folder(tmp_path):
    """``python3 -I runner.py``: the script's folder is not on sys.path, the script adds it for the import only."""
    probe = (
        "import runpy, sys; g = runpy.run_path(sys.argv[1]); main = g['_main'](); "
        "print(main.__module__, sys.argv[2] in sys.path, 'r1runner.protocol' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-c", probe, str(context_dir() / "runner.py"), str(context_dir())],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["r1runner.main", "False", "True"]
