"""Rust: ``rustc -O`` (edition 2021) once per program, the binary per test."""

from __future__ import annotations

from r1verify_sandbox.languages import LanguageSpec

RUST = LanguageSpec(
    name="rust",
    source_file="main.rs",
    compile=("rustc", "-O", "--edition", "2021", "-C", "debuginfo=0", "-o", "main", "main.rs"),
    run=("./main",),
    aliases=("rs", "rustlang"),
)
