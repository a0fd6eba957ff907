"""The C++ solution scanner (no sandbox): every way to hide a directive from a naive scan is still seen."""

from __future__ import annotations

import pytest
from r1verify_code.cpp_directives import RejectedProgram, solution_macros
from r1verify_code.cpp_tests import assemble

HIDDEN = {  # each hides `#define __assert_fail(...)` from a scanner that gets C++ lexing slightly wrong
    "plain": "#define __assert_fail(a,b,c,d) ((void)0)\n",
    "after a comment spanning lines (g++ still takes it)": "/* c\n*/ #define __assert_fail(a,b,c,d) 0\n",
    "after a digit separator": "int x = 1'0;\n#define __assert_fail(...) 0\nint y = '0';\n",
    "after an identifier ending in R": 'auto s = xR"(";\n#define __assert_fail(...) 0\n// )"\n',
    "after a literal suffix R": 'auto s = "a"R"(";\n#define __assert_fail(...) 0\n// )"\n',
    "after a $ identifier": 'auto s = $R"(";\n#define __assert_fail(...) 0\n// )"\n',
    "after /* in a string": 'const char* s = "/*";\n#define __assert_fail(...) 0\n// */\n',
    "after a quote in __has_include": "#if __has_include(<a'b>)\n#endif\n#define __assert_fail(...) 0\n//'\n",
    "digraph": "%:define __assert_fail(...) 0\n",
    "line splice in the directive": "#def\\\nine __assert_fail(...) 0\n",
    "line splice with trailing spaces": "#define \\  \n__assert_fail(...) 0\n",
    "comments inside the directive": "#/**/define/**/__assert_fail(...) 0\n",
}


@pytest.mark.parametrize("name", list(HIDDEN))
def test_hidden_reserved_macros_are_found(name):
    with pytest.raises(RejectedProgram, match="__assert_fail"):
        solution_macros(HIDDEN[name])


@pytest.mark.parametrize(
    ("code", "match"),
    [
        ("#undef assert\n#define assert(x)\n", "assert"),
        ("#define NDEBUG\n#include <cassert>\n", "NDEBUG"),
        ("#define _GLIBCXX_DEBUG\n", "_GLIBCXX_DEBUG"),
        ('_Pragma("GCC poison x")\n', "_Pragma"),
        ("#pragma GCC poison add\n", "pragma"),
        ("#pragma redefine_extname __assert_fail f\n", "pragma"),
        ('#pragma push_macro("x")\n', "pragma"),
        ('#include "main.cpp"\n', "include"),
        ("#define H <vector>\n#include H\n", "include"),
        ("#include_next <vector>\n", "include_next"),
        ("int f() { return 0; } /*", "comment"),
        ('auto s = R"x(', "raw string"),
        ("#if 0\n", "#if"),
        ("#endif\n", "#endif"),
    ],
)
def test_what_cannot_be_scoped_is_rejected(code, match):
    with pytest.raises(RejectedProgram, match=match):
        solution_macros(code)


def test_text_inside_literals_and_comments_is_not_a_directive():
    assert solution_macros('auto s = R"x(a)";\n#define __assert_fail(...) 0\n// )x";\n') == []  # all in R"x(...)x"


def test_ordinary_macros_are_listed_for_scoping():
    code = (
        '#include <bits/stdc++.h>\n#include "stdio.h"\n#pragma GCC optimize("O3,unroll-loops")\n#pragma once\n'
        "#define int long long\n#define ll long long\n#define rep(i, n) for (int i = 0; i < (n); ++i)\n"
        '#undef INT_MAX\n#define INT_MAX 5\nconst char* s = "#define __x";  // #define _Y\n/* #undef assert */\n'
        '# 12 "x.cpp"\n#if 1\n#else\n#endif\nint x = 1\'000;\n'
    )
    assert solution_macros(code) == ["int", "ll", "rep", "INT_MAX"]


def test_the_solution_is_framed_by_saves_and_restores():
    source = assemble("#define ll long long\nll add(ll a, ll b) { return a + b; }", "int main() { return 0; }", "N1")
    assert source.startswith("#include <bits/stdc++.h>\n")
    save, restore = source.index('#pragma push_macro("ll")'), source.index('#pragma pop_macro("ll")')
    assert save < source.index("ll add") < source.index("#undef ll") < restore < source.index("r1v_solution_end_N1")
    assert "int r1v_tests_main_N1(" in source and "r1v_tests_main_N1()" in source.split("int main() {")[-1]
