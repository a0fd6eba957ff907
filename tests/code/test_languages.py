"""Java, JavaScript, Go and Rust: registered by the code plugin, compiled once, run per test, every status.

The Docker tests run real toolchains in the sandbox image (no mocks); the rest need no Docker.
"""

from __future__ import annotations

import pytest
from r1verify_code.languages import GO, JAVA, JAVASCRIPT, LANGUAGES, RUST
from r1verify_sandbox import ExecStatus, Limits, Program, get_language

from r1verify import Sample, Status
from r1verify.plugins import languages as registered_languages

from .conftest import fenced

LANGS = ("java", "javascript", "go", "rust")

DOUBLE = {  # reads an integer, prints it doubled
    "java": "import java.util.*;\npublic class Main { public static void main(String[] a) {\n"
    "  Scanner s = new Scanner(System.in); System.out.println(2 * s.nextLong()); } }\n",
    "javascript": 'const x = BigInt(require("fs").readFileSync(0, "utf8").trim());\nconsole.log((2n * x).toString());\n',
    "go": 'package main\nimport "fmt"\nfunc main() { var x int64; fmt.Scan(&x); fmt.Println(2 * x) }\n',
    "rust": "use std::io::Read;\nfn main() { let mut s = String::new(); std::io::stdin().read_to_string(&mut s)"
    ".unwrap();\n  let x: i64 = s.trim().parse().unwrap(); println!(\"{}\", 2 * x); }\n",
}
PLUS_ONE = {  # the wrong answer
    "java": "public class Main { public static void main(String[] a) {\n"
    "  System.out.println(new java.util.Scanner(System.in).nextLong() + 1); } }\n",
    "javascript": 'console.log(Number(require("fs").readFileSync(0, "utf8")) + 1);\n',
    "go": 'package main\nimport "fmt"\nfunc main() { var x int64; fmt.Scan(&x); fmt.Println(x + 1) }\n',
    "rust": "fn main() { let mut s = String::new(); std::io::stdin().read_line(&mut s).unwrap();\n"
    "  println!(\"{}\", s.trim().parse::<i64>().unwrap() + 1); }\n",
}
NO_COMPILE = {  # (program, a piece of the compiler's message)
    "java": ("public class Main { public static void main(String[] a) { int x = 1 } }\n", "';' expected"),
    "javascript": ("function f( {\n", "SyntaxError"),
    "go": ('package main\nimport "fmt"\nfunc main() { fmt.Println(y) }\n', "undefined: y"),
    "rust": ('fn main() { let x: i32 = "one"; println!("{}", x); }\n', "mismatched types"),
}
CRASH = {
    "java": 'public class Main { public static void main(String[] a) { throw new IllegalStateException("boom"); } }\n',
    "javascript": 'throw new Error("boom");\n',
    "go": 'package main\nfunc main() { panic("boom") }\n',
    "rust": 'fn main() { panic!("boom"); }\n',
}
SPIN = {
    "java": "public class Main { public static void main(String[] a) { long i = 0; while (i >= 0) i++; } }\n",
    "javascript": "let i = 0; for (;;) { i++; }\n",
    "go": "package main\nfunc main() { i := 0; for { i++ } }\n",
    "rust": 'fn main() { let mut i: u64 = 1; loop { i = i.wrapping_mul(3); if i == 7 { println!("{}", i); } } }\n',
}
HOG = {  # ~800 MiB, touched, under a 256 MiB limit
    "java": "public class Main { public static void main(String[] a) { long[][] x = new long[100][];\n"
    "  for (int i = 0; i < 100; i++) x[i] = new long[1 << 20]; System.out.println(x.length); } }\n",
    "javascript": "const a = []; for (let i = 0; i < 100; i++) a.push(new Array(1 << 20).fill(1.5));\n"
    "console.log(a.length);\n",
    "go": 'package main\nimport "fmt"\nfunc main() { var x [][]int64\n  for i := 0; i < 100; i++ { b := make([]int64, 1<<20)\n'
    "    for j := range b { b[j] = 1 }; x = append(x, b) }\n  fmt.Println(len(x)) }\n",
    "rust": "fn main() { let mut v: Vec<Vec<u64>> = Vec::new();\n"
    '  for _ in 0..100 { v.push(vec![1u64; 1 << 20]); } println!("{}", v.len()); }\n',
}


# ------------------------------------------------------------------ no Docker
def test_the_code_plugin_registers_them_through_the_language_hook():
    found = registered_languages()
    for spec in LANGUAGES:
        assert found[spec.name].obj is spec and found[spec.name].plugin == "code"


@pytest.mark.parametrize(
    ("tag", "spec"),
    [("java", JAVA), ("JavaScript", JAVASCRIPT), ("js", JAVASCRIPT), ("node", JAVASCRIPT), ("go", GO),
     ("golang", GO), ("rust", RUST), ("rs", RUST)],
)
def test_fence_tags_and_aliases_resolve(tag, spec):
    assert get_language(tag) is spec


def test_each_compiles_once_and_runs_per_test():
    for spec in LANGUAGES:
        job = Program("x", spec.name, inputs=["1", "2", "3"]).job()
        assert job["compile"] is not None and job["inputs"] == ["1", "2", "3"]
        assert spec.source_file in job["files"]


def test_runtimes_that_reserve_address_space_get_it_on_top_of_the_limit():
    java = Program("x", "java", limits=Limits(memory_mb=256, compile_memory_mb=1024)).job()
    assert java["limits"]["memory_mb"] == 256 + JAVA.runtime_overhead_mb > 256
    assert java["compile"]["memory_mb"] == 1024 + JAVA.runtime_overhead_mb
    assert Program("x", "rust", limits=Limits(memory_mb=256)).job()["limits"]["memory_mb"] == 256


# ------------------------------------------------------------------ Docker: every status, per language
def _statuses(pool, programs):
    return pool.run_many(programs)


@pytest.mark.docker
@pytest.mark.parametrize("language", LANGS)
def test_every_status(docker_pool, language):
    fast = Limits(timeout=1.0, memory_mb=256)
    programs = [
        Program(DOUBLE[language], language, inputs=["21", "-4000000000"], limits=fast),
        Program(NO_COMPILE[language][0], language, limits=fast),
        Program(CRASH[language], language, limits=fast),
        Program(SPIN[language], language, limits=fast),
        Program(HOG[language], language, limits=Limits(timeout=5.0, memory_mb=256)),
    ]
    ok, no_compile, crash, spin, hog = docker_pool.run_many(programs)
    assert ok.status is ExecStatus.OK, ok.compile.stderr if ok.compile else ok.runs
    assert [r.stdout.strip() for r in ok.runs] == ["42", "-8000000000"]
    assert no_compile.status is ExecStatus.COMPILE_ERROR and not no_compile.runs
    assert NO_COMPILE[language][1] in no_compile.compile.stderr
    assert crash.status is ExecStatus.RUNTIME_ERROR and "boom" in crash.runs[0].stderr
    assert spin.status is ExecStatus.TIMEOUT and spin.runs[0].duration < 3
    assert hog.status is ExecStatus.MEMORY_LIMIT, hog.runs[0].describe()
    assert hog.runs[0].stdout.strip() != "100"


@pytest.mark.docker
def test_the_verifier_picks_the_language_from_the_fence_and_grades_it(code_verifier):
    reference = {"inputs": ["21\n", "5\n"], "outputs": ["42\n", "10\n"]}
    samples, expected = [], []
    tags = {"java": "java", "javascript": "js", "go": "go", "rust": "rs"}
    for language in LANGS:
        samples += [
            Sample(fenced(DOUBLE[language], tags[language]), reference=reference),
            Sample(fenced(PLUS_ONE[language], tags[language]), reference=reference),
            Sample(fenced(NO_COMPILE[language][0], language), reference=reference),
        ]
        expected += [(Status.CORRECT, language), (Status.WRONG, language), (Status.WRONG, language)]
    verdicts = code_verifier.verify_batch(samples)
    assert [(v.status, v.details.get("language")) for v in verdicts] == expected
    for language, compile_failed in zip(LANGS, verdicts[2::3], strict=True):
        assert compile_failed.details.get("compile_error") is True, compile_failed
        assert "compile error" in compile_failed.reason and NO_COMPILE[language][1].split()[0] in compile_failed.reason


JAVA_NAMES = {
    "a public class that is not Main": (
        "import java.util.*;\npublic class Solution {\n  public static void main(String[] args) {\n"
        "    System.out.println(2 * new Scanner(System.in).nextInt());\n  }\n}\n"
    ),
    "main in a class that is not public, after a helper": (
        "class Helper { static int twice(int x) { return 2 * x; } }\n"
        "final class Program { public static void main(String[] a) {\n"
        "  System.out.println(Helper.twice(new java.util.Scanner(System.in).nextInt())); } }\n"
    ),
    "decoys in comments and strings": (
        "// public class Decoy {\n/* public class Other { static void main( */\n"
        "public class Real { static String s = \"public class Fake { static void main(\";\n"
        "  public static void main(String[] a) { System.out.println(2 * new java.util.Scanner(System.in).nextInt()); }"
        "\n}\n"
    ),
}


@pytest.mark.docker
def test_java_runs_the_public_class_or_the_class_with_main(docker_pool):
    results = docker_pool.run_many([Program(src, "java", inputs=["21"]) for src in JAVA_NAMES.values()])
    for (what, _src), result in zip(JAVA_NAMES.items(), results, strict=True):
        detail = result.compile.stderr if result.compile and not result.compile.ok else result.runs
        assert result.status is ExecStatus.OK and result.runs[0].stdout.strip() == "42", (what, detail)
