"""Without Ray installed, `--backend ray` fails at once with the install command (Ray is an optional extra)."""

from __future__ import annotations

import sys
from pathlib import Path

from click.testing import CliRunner

from r1verify.cli import cli

MATH = Path(__file__).resolve().parents[2] / "examples" / "data" / "math_generations.jsonl"


def test_backend_ray_without_ray_names_the_install_command(tmp_path, monkeypatch):
    for name in [m for m in sys.modules if m == "ray" or m.startswith("ray.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now raises ImportError, as when not installed
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        cli, ["verify", str(MATH), "-r", "reasoning-rl", "--backend", "ray", "--out", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 2
    assert "pip install 'r1verify[ray]'" in result.stderr
    assert not out.exists()  # refused before any output was opened


def test_ray_options_without_the_ray_backend_are_refused(tmp_path):
    result = CliRunner().invoke(
        cli, ["verify", str(MATH), "-r", "reasoning-rl", "--actors", "4", "--out", str(tmp_path / "o.jsonl")]
    )
    assert result.exit_code == 2 and "go with --backend ray" in result.stderr
