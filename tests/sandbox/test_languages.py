"""Languages are data registered through the plugin hook; programs become runner jobs."""

from __future__ import annotations

import pytest
from r1verify_sandbox import CPP, PYTHON, LanguageSpec, Limits, Program, UnknownLanguageError, get_language, languages

from r1verify import hookimpl
from r1verify.plugins import languages as registered_languages
from r1verify.testing import registered


def test_builtin_languages_are_registered_by_the_plugin():
    found = registered_languages()
    assert found["python"].obj is PYTHON and found["cpp"].obj is CPP
    assert found["python"].plugin == "sandbox"


def test_aliases_and_case_resolve():
    assert get_language("PY") is PYTHON
    assert get_language("c++") is CPP
    assert languages()["python3"] is PYTHON


def test_unknown_language_lists_the_registered_ones():
    with pytest.raises(UnknownLanguageError, match="registered: cpp, .*python"):
        get_language("cobol")


class _ZigPlugin:  # (rust is the code plugin's)
    @hookimpl
    def register_languages(self, register):
        register(
            LanguageSpec(
                "zig", "main.zig", ("./main",), compile=("zig", "build-exe", "-O", "main.zig"), aliases=("zg",)
            )
        )


def test_a_plugin_adds_a_language():
    with registered(_ZigPlugin()):
        spec = get_language("zg")
        assert spec.name == "zig" and spec.compile[0] == "zig"
        job = Program("pub fn main() void {}", "zig").job()
        assert job["compile"]["argv"][:2] == ["zig", "build-exe"] and job["files"] == {"main.zig": 21}
    with pytest.raises(UnknownLanguageError):
        get_language("zig")


def test_spec_validation():
    with pytest.raises(ValueError, match="plain file name"):
        LanguageSpec("x", "dir/main.x", ("./x",))
    with pytest.raises(ValueError, match="name and a run command"):
        LanguageSpec("x", "main.x", ())


def test_python_job_runs_in_a_fork_and_cpp_compiles_once():
    py = Program("print(1)", inputs=["a", "b"], limits=Limits(timeout=2, total_timeout=3)).job()
    assert (
        py["run"] == {"argv": ["python3", "main.py"], "python": "main.py", "trusted": False} and py["compile"] is None
    )
    assert py["inputs"] == ["a", "b"] and py["limits"]["timeout"] == 2 and py["limits"]["total_timeout"] == 3
    cpp = Program("int main(){}", "cpp", limits=Limits(compile_timeout=7)).job()
    assert cpp["compile"]["timeout"] == 7 and cpp["run"]["python"] is None and "main.cpp" in cpp["files"]


def test_limits_are_validated():
    with pytest.raises(ValueError):
        Limits(timeout=0)
    with pytest.raises(ValueError):
        Limits(memory_mb=-1)
    with pytest.raises(ValueError):
        Limits(total_timeout=0)


def test_host_deadline_covers_compile_and_every_run():
    program = Program("x", "cpp", inputs=["1"] * 4, limits=Limits(timeout=2, compile_timeout=10))
    assert program.deadline() >= 10 + 4 * 2
    budgeted = Program("x", inputs=["1"] * 100, limits=Limits(timeout=2, total_timeout=5))
    assert budgeted.deadline() < 30
