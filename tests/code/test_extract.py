"""Finding the program: the final answer's last fenced block, with its language."""

from __future__ import annotations

import time

import pytest
from r1verify_code import NoProgram, extract_program, final_answer
from r1verify_sandbox import UnknownLanguageError, languages

LANGS = languages()


def extract(text: str, **kw):
    return extract_program(text, LANGS, **kw)


def test_last_block_after_the_reasoning_wins():
    text = "<think>\n```python\nprint('draft')\n```\n</think>\n```python\nprint(1)\n```\nthen\n```python\nprint(2)\n```"
    found = extract(text)
    assert found.code == "print(2)\n" and found.language == "python" and found.fence == "python"


def test_code_only_inside_the_reasoning_is_no_answer():
    with pytest.raises(NoProgram, match="no fenced code block"):
        extract("<think>\n```python\nprint(1)\n```\n</think>\nThe answer is above.")


def test_unfinished_reasoning_has_no_answer():
    with pytest.raises(NoProgram, match="never ends"):
        extract("<think>\n```python\nprint(1)\n```\n")
    assert final_answer("no reasoning at all") == "no reasoning at all"


def test_language_comes_from_the_fence():
    found = extract("```cpp\nint main(){}\n```")
    assert found.language == "cpp"
    assert extract("```C++\nint main(){}\n```").language == "cpp"
    assert extract("```py\nprint(1)\n```").language == "python"
    assert extract("```python3 title=main.py\nprint(1)\n```").language == "python"


def test_untagged_block_takes_the_sample_or_default_language():
    assert extract("```\nint main(){}\n```", required="cpp").language == "cpp"
    assert extract("```\nprint(1)\n```").language == "python"
    assert extract("```\nint main(){}\n```", default="cpp").language == "cpp"


def test_tagged_code_wins_over_a_later_output_block():
    text = "```python\nprint(6 * 7)\n```\nOutput:\n```text\n42\n```"
    assert extract(text).code == "print(6 * 7)\n"


def test_a_required_language_skips_blocks_in_other_languages():
    text = "```python\nprint(1)\n```\n```cpp\nint main(){}\n```"
    assert extract(text, required="python").language == "python"
    assert extract(text).language == "cpp"
    with pytest.raises(NoProgram, match="no code block in cpp"):
        extract("```python\nprint(1)\n```", required="cpp")


def test_unsupported_language_is_no_answer():
    with pytest.raises(NoProgram, match="found blocks tagged cobol"):  # (java is registered by the code plugin)
        extract("```cobol\nIDENTIFICATION DIVISION.\n```")


def test_unknown_required_language_is_a_configuration_error():
    with pytest.raises(UnknownLanguageError, match="cobol"):
        extract("```\nx\n```", required="cobol")


def test_unclosed_and_empty_blocks():
    with pytest.raises(NoProgram, match="unclosed or empty"):
        extract("```python\nprint(1)\n")  # truncated generation
    with pytest.raises(NoProgram):
        extract("```python\n\n```")


def test_tilde_fences_longer_fences_and_indentation():
    assert extract("~~~python\nprint(1)\n~~~").code == "print(1)\n"
    assert extract("````python\nprint('```')\n````").code == "print('```')\n"
    assert extract("  ```python\n  print(1)\n  ```").code == "  print(1)\n"


def test_unfenced_answer_only_when_allowed():
    with pytest.raises(NoProgram):
        extract("def f():\n    return 1\n")
    assert extract("def f():\n    return 1\n", require_fence=False).code.startswith("def f()")


def test_degenerate_repetition_is_read_in_linear_time():
    """A model stuck repeating fence lines (a quadratic regex took 25 s on this) is rejected at once."""
    start = time.monotonic()
    for text in ("```python\n" * 20000, "```python\nx = 1\n" * 20000, "`" * 100000):
        with pytest.raises(NoProgram):
            extract(text)
    assert time.monotonic() - start < 5  # a generous hard bound; it takes milliseconds


def test_crlf_and_longer_closing_fences():
    assert extract("```python\r\nprint(1)\r\n```\r\n").code == "print(1)\r\n"
    assert extract("```python\nprint(1)\n`````\n").code == "print(1)\n"
    assert extract("~~~python\nprint(1)\n```\n~~~\n").code == "print(1)\n```\n"
