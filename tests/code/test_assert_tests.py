"""Assert-style test code in JavaScript and Rust (SandboxFusion's humanevalds layout): a real solution passes,
an exit-before-the-tests stub and solutions that tamper with the asserts do not, and tests in a language whose
assert style does not run here are an ``error`` (our limitation), never ``wrong``."""

import json

import pytest

from r1verify import Sample, Status
from r1verify_code.assert_tests import javascript, rust
from r1verify_code.suite import UnsupportedTests

from . import solutions
from .conftest import fenced

JS_TEST = json.dumps({"code": "#<INSERT>\n\nconst assert = require('node:assert');\n\nfunction test() {\n"
                      "  let candidate = has_close_elements;\n"
                      "  assert.deepEqual(candidate([1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.3), true);\n"
                      "  assert.deepEqual(candidate([1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.05), false);\n"
                      "}\n\ntest();"})
RUST_TEST = json.dumps({"code": "#<INSERT>\n\nfn main() {\n    let candidate = has_close_elements;\n"
                        "    assert_eq!(candidate(vec![1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.3), true);\n"
                        "    assert!(!candidate(vec![1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.05));\n}"})

ATTEMPTS = {
    "javascript": {
        "solution": solutions.HUMANEVAL_JS_0,
        "exit stub": "function has_close_elements(numbers, threshold) { process.exit(0); }",
        "replaces deepEqual": "require('assert').deepEqual = () => {};\n"
        "require('node:assert').strict.deepEqual = () => {};\nfunction has_close_elements() { return 1; }",
        "replaces require": "require = () => ({ deepEqual() {} });\nfunction has_close_elements() { return 1; }",
        "exit hook": "process.on('exit', (c) => { process.exitCode = 0; });\n"
        "function has_close_elements() { throw new Error('no'); }",
    },
    "rust": {
        "solution": solutions.HUMANEVAL_RUST_0,
        "exit stub": "fn has_close_elements(numbers: Vec<f64>, threshold: f64) -> bool { std::process::exit(0) }",
        "shadows assert_eq": "macro_rules! assert_eq { ($($t:tt)*) => {} }\nmacro_rules! assert { ($($t:tt)*) => {} }\n"
        "fn has_close_elements(numbers: Vec<f64>, threshold: f64) -> bool { false }",
        "own main": "fn has_close_elements(numbers: Vec<f64>, threshold: f64) -> bool { false }\nfn main() {}",
    },
}


def test_the_assembled_programs_guard_the_asserts_and_end_with_the_marker():
    js = javascript("function f() {}", "#<INSERT>\nconst assert = require('assert');\nassert.ok(f);", "n0nce")
    assert js.index("Object.freeze(r1v_assert)") < js.index("function f()") < js.index("const assert = r1v_assert")
    assert js.rstrip().endswith('process.stdout.write("\\nn0nce {\\"done\\": true}\\n");')
    rs = rust("fn f() -> i32 { 1 }", "fn main() { assert_eq!(f(), 1); assert!(true); }", "n0nce")
    assert "fn r1v_tests_main_n0nce() { ::std::assert_eq!(f(), 1); ::std::assert!(true); }" in rs
    assert rs.count("fn main()") == 1 and "r1v_tests_main_n0nce();" in rs
    with pytest.raises(UnsupportedTests, match="no `fn main"):
        rust("fn f() {}", "#[test] fn t() { assert!(f()); }", "n0nce")


@pytest.mark.docker
def test_solutions_stubs_and_tampering(code_verifier):
    cases = [(lang, name, code) for lang, attempts in ATTEMPTS.items() for name, code in attempts.items()]
    tests = {"javascript": JS_TEST, "rust": RUST_TEST}
    samples = [Sample(fenced(code, lang), reference={"test": tests[lang], "language": lang}) for lang, _, code in cases]
    for (lang, name, _), verdict in zip(cases, code_verifier.verify_batch(samples)):
        expected = Status.CORRECT if name == "solution" else Status.WRONG
        assert verdict.status is expected, (lang, name, verdict.reason)


@pytest.mark.docker
def test_tests_in_a_language_whose_assert_style_does_not_run_are_an_error(code_verifier):
    reference = {"test": "func main() { if f() != 1 { panic(\"no\") } }", "language": "go"}
    (verdict,) = code_verifier.verify_batch([Sample(fenced("package main\nfunc f() int { return 1 }", "go"),
                                                    reference=reference)])
    assert verdict.status is Status.ERROR and "assert-style tests in go do not run here" in verdict.reason
