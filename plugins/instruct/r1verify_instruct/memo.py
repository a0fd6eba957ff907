"""Repeated tokenisation within one row, done once: same results, less time.

A row's instructions, and in loose mode the up to 8 variants of the response, tokenise overlapping text again and
again: ``change_case:capital_word_frequency`` runs NLTK's ``word_tokenize`` (the slowest call of all IFEval
checkers) on every variant, and the variants share all their sentences but the first and last line; several
IFBench checkers split the same response into sentences. :func:`row_scope` keeps, for one row only, each text's
sentence split and each sentence's word tokens, so they are computed once per row; the cache is dropped when the row
is done (nothing carries over between rows, so a batch of similar rows is not faster than real data would be).

The checkers reach NLTK through a module attribute (``instructions_util.nltk.word_tokenize``, ``nltk.pos_tag``);
:func:`install` points those attributes of ``if_verifiable`` at :class:`_NLTKView`, which answers exactly as NLTK
does: ``word_tokenize`` is NLTK's own composition (Punkt sentences, then the Treebank word tokenizer on each)
with each step memoised, and returns a new list each call. ``pos_tag`` keeps one ``PerceptronTagger`` instead of
re-reading its 7.6 MB model from disk on every call (NLTK's ``pos_tag`` builds a new tagger each time, and the
``words:start_verb`` checker calls it twice per text). Outside :func:`row_scope`, and for any other arguments, the
calls go straight to NLTK.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable, Iterator
from typing import Any

_state = threading.local()
"""``_state.memo``: the current row's cache in this thread (absent or ``None`` outside :func:`row_scope`)."""


def _current() -> dict[tuple[Any, ...], Any] | None:
    return getattr(_state, "memo", None)


@contextlib.contextmanager
def row_scope() -> Iterator[None]:
    """Memoise tokenisation in this thread until the block ends (a nested block shares the outer one's cache)."""
    if _current() is not None:
        yield
        return
    _state.memo = {}
    try:
        yield
    finally:
        _state.memo = None


def _cached(key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
    memo = _current()
    if memo is None:
        return compute()
    try:
        return memo[key]
    except KeyError:
        value = memo[key] = compute()
        return value


@functools.cache
def _tagger() -> Any:
    """NLTK's English averaged-perceptron tagger, loaded once (LookupError when its data is missing: not cached)."""
    from nltk.tag.perceptron import PerceptronTagger

    return PerceptronTagger()


class _NLTKView:
    """``nltk`` as the checkers see it: every attribute is NLTK's, but ``word_tokenize`` memoises per row and
    ``pos_tag`` reuses one tagger."""

    def __init__(self, nltk: Any, tokenize: Any, tag: Any) -> None:
        self._nltk = nltk
        self._sent_tokenize = tokenize.sent_tokenize
        self._treebank = tokenize._treebank_word_tokenizer
        self._pos_tag = tag._pos_tag

    def __getattr__(self, name: str) -> Any:
        return getattr(self._nltk, name)

    def word_tokenize(self, text: str, language: str = "english", preserve_line: bool = False) -> list[str]:
        if _current() is None or preserve_line or not isinstance(text, str):
            return self._nltk.word_tokenize(text, language, preserve_line)
        # nltk.tokenize.word_tokenize: Punkt sentences, then the Treebank tokenizer on each sentence
        sentences = _cached(("sent_tokenize", language, text), lambda: tuple(self._sent_tokenize(text, language)))
        tokens: list[str] = []
        for sentence in sentences:
            tokens.extend(_cached(("treebank", sentence), lambda s=sentence: tuple(self._treebank.tokenize(s))))
        return tokens

    def pos_tag(self, tokens: Any, tagset: str | None = None, lang: str = "eng") -> list[tuple[str, str]]:
        if lang != "eng":
            return self._nltk.pos_tag(tokens, tagset=tagset, lang=lang)
        # nltk.tag.pos_tag: _pos_tag(tokens, tagset, PerceptronTagger(), lang), with the tagger kept
        return self._pos_tag(tokens, tagset, _tagger(), lang)


def _memoised(name: str, function: Callable[[str], Any]) -> Callable[[str], Any]:
    """``function`` (text -> list or int) memoised per row; lists come back as new lists."""

    @functools.wraps(function)
    def wrapper(text: Any) -> Any:
        if _current() is None or not isinstance(text, str):
            return function(text)
        value = _cached((name, text), lambda: _frozen(function(text)))
        return list(value) if isinstance(value, tuple) else value

    wrapper.__wrapped_by_r1verify__ = True  # type: ignore[attr-defined]
    return wrapper


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _matches_nltk(nltk: Any) -> bool:
    """NLTK's word_tokenize and pos_tag are the compositions the view reproduces (checked, not assumed)."""
    import inspect

    from nltk import tag, tokenize

    try:
        word_source = inspect.getsource(tokenize.word_tokenize)
        tag_source = inspect.getsource(tag.pos_tag)
    except (OSError, TypeError):
        return False
    return (
        nltk.word_tokenize is tokenize.word_tokenize
        and nltk.pos_tag is tag.pos_tag
        and hasattr(tokenize, "_treebank_word_tokenizer")
        and "sent_tokenize(text, language)" in word_source
        and "_treebank_word_tokenizer.tokenize(sent)" in word_source
        and "_get_tagger(lang)" in tag_source
        and "_pos_tag(tokens, tagset, tagger, lang)" in tag_source
    )


@functools.cache
def install() -> bool:
    """Point ``if_verifiable``'s NLTK attributes at the view and memoise its sentence splitters (once per process;
    the checkers must be imported). Returns whether it did: not when NLTK's functions are not the ones expected."""
    import nltk
    from if_verifiable.ifbench import instructions as ifbench_instructions
    from if_verifiable.ifbench import instructions_util as ifbench_util
    from if_verifiable.ifeval import instructions_util as ifeval_util
    from nltk import tag, tokenize

    if not _matches_nltk(nltk):
        return False
    view = _NLTKView(nltk, tokenize, tag)
    for module in (ifeval_util, ifbench_util, ifbench_instructions):
        if getattr(module, "nltk", None) is nltk:
            module.nltk = view
    for label, module in (("ifeval", ifeval_util), ("ifbench", ifbench_util)):
        for name in ("split_into_sentences", "count_sentences"):
            function = getattr(module, name, None)
            if callable(function) and not getattr(function, "__wrapped_by_r1verify__", False):
                setattr(module, name, _memoised(f"{label}.{name}", function))
    return True
