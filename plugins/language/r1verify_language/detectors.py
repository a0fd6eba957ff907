"""Language detectors for text in scripts shared by several languages (Latin, Cyrillic, Arabic, Devanagari).

A detector scores a list of words against candidate languages and returns log-scores (higher is more likely;
only differences matter). Three backends:

- ``langdetect`` (default): langdetect's own language profiles (character 1-3-gram frequencies from
  Wikipedia) scored exactly, as a naive-Bayes log-likelihood over every n-gram, instead of by langdetect's
  random sampling. Deterministic by construction and ~50x faster per word (per-word scores are cached).
- ``langdetect-sampled``: langdetect's own ``Detector`` (random sampling of n-grams), seeded with 0 so that
  one text always gets the same answer. Slow (milliseconds per call); kept for comparison.
- ``lingua``: the ``lingua-language-detector`` package, if installed (``pip install r1verify-language[lingua]``).

Every backend loads lazily, once per process.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from typing import Protocol

_lock = threading.Lock()

# langdetect's smoothing: each n-gram multiplies a language's probability by (alpha / BASE_FREQ + p(n-gram | lang)).
_SMOOTHING = 0.5 / 10000
_WORD_CACHE_SIZE = 200_000


class Detector(Protocol):
    name: str

    def scores(self, words: Sequence[str], candidates: Sequence[str]) -> dict[str, float]:
        """Log-scores of ``words`` (one text) for each candidate language; only differences matter."""


def _langdetect_code(language: str) -> str:
    return {"zh": "zh-cn"}.get(language, language)


class LangdetectProfiles:
    """langdetect's profiles scored exactly (naive Bayes over all character 1-3-grams); see the module doc."""

    name = "langdetect"

    def __init__(self) -> None:
        import numpy as np
        from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
        from langdetect.utils.ngram import NGram

        factory = DetectorFactory()
        factory.load_profile(PROFILES_DIRECTORY)
        grams = list(factory.word_lang_prob_map)
        self._np = np
        self._row = {g: i for i, g in enumerate(grams)}
        probabilities = np.array([factory.word_lang_prob_map[g] for g in grams], dtype=np.float64)
        self._log = np.log(probabilities + _SMOOTHING).astype(np.float32)
        self._column = {lang: i for i, lang in enumerate(factory.langlist)}
        self._zero = np.zeros(len(factory.langlist), dtype=np.float32)
        # langdetect folds characters before counting n-grams (punctuation to spaces, Vietnamese and Romanian
        # variants, CJK to representatives); one translation table does it for the whole word.
        self._fold = {c: NGram.normalize(chr(c)) for c in range(0x0080, 0x3000)}
        self._fold = {c: v for c, v in self._fold.items() if v != chr(c)}
        self._normalize_vi = NGram.normalize_vi
        self._cache: dict[str, object] = {}

    def _word(self, word: str):
        vector = self._cache.get(word)
        if vector is not None:
            return vector
        if len(word) > 1 and word.isupper():  # langdetect ignores words in capitals (acronyms)
            vector = self._zero
        else:
            padded = f" {self._normalize_vi(word).translate(self._fold)} "
            row = self._row
            rows = [row[c] for c in padded[1:-1] if c != " " and c in row]
            rows += [row[g] for n in (2, 3) for i in range(len(padded) - n + 1) if (g := padded[i : i + n]) in row]
            vector = self._log[rows].sum(axis=0) if rows else self._zero
        if len(self._cache) >= _WORD_CACHE_SIZE:
            self._cache.clear()
        self._cache[word] = vector
        return vector

    def scores(self, words: Sequence[str], candidates: Sequence[str]) -> dict[str, float]:
        columns = [(lang, self._column[_langdetect_code(lang)]) for lang in candidates]
        total = self._np.sum([self._word(w) for w in words], axis=0) if words else self._zero
        return {lang: float(total[col]) for lang, col in columns}


class LangdetectSampled:
    """langdetect's own sampling ``Detector``, seeded (``DetectorFactory.seed = 0``) for deterministic answers."""

    name = "langdetect-sampled"

    def __init__(self) -> None:
        from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

        self._factory = DetectorFactory()
        self._factory.load_profile(PROFILES_DIRECTORY)
        self._factory.set_seed(0)
        self._langs = self._factory.get_lang_list()

    def scores(self, words: Sequence[str], candidates: Sequence[str]) -> dict[str, float]:
        from langdetect.lang_detect_exception import LangDetectException

        codes = {lang: _langdetect_code(lang) for lang in candidates}
        detector = self._factory.create()
        detector.set_prior_map({code: 1.0 for code in codes.values()})
        detector.append(" ".join(words))
        try:
            detector.get_probabilities()
        except LangDetectException:  # no usable n-grams: no evidence either way
            return {lang: 0.0 for lang in candidates}
        probs = dict(zip(self._langs, detector.langprob, strict=True))
        return {lang: math.log(max(probs[code], 1e-12)) for lang, code in codes.items()}


class Lingua:
    """``lingua-language-detector`` restricted to the candidate languages (one detector per candidate set)."""

    name = "lingua"

    def __init__(self) -> None:
        try:
            import lingua
        except ImportError:
            raise ImportError(
                "detector='lingua' needs the lingua-language-detector package: "
                "pip install 'r1verify-language[lingua]' (or use detector='langdetect')"
            ) from None
        self._lingua = lingua
        self._detectors: dict[tuple[str, ...], object] = {}

    def _detector(self, candidates: tuple[str, ...]):
        detector = self._detectors.get(candidates)
        if detector is None:
            lingua = self._lingua
            languages = [
                lingua.Language.from_iso_code_639_1(getattr(lingua.IsoCode639_1, c.upper())) for c in candidates
            ]
            detector = lingua.LanguageDetectorBuilder.from_languages(*languages).build()
            self._detectors[candidates] = detector
        return detector

    def scores(self, words: Sequence[str], candidates: Sequence[str]) -> dict[str, float]:
        supported = tuple(c for c in candidates if hasattr(self._lingua.IsoCode639_1, c.upper()))
        if len(supported) < 2:
            return {lang: 0.0 for lang in candidates}
        values = self._detector(supported).compute_language_confidence_values(" ".join(words))
        confidence = {v.language.iso_code_639_1.name.lower(): v.value for v in values}
        return {lang: math.log(max(confidence.get(lang, 0.0), 1e-12)) for lang in candidates}


_BACKENDS = {cls.name: cls for cls in (LangdetectProfiles, LangdetectSampled, Lingua)}
_instances: dict[str, Detector] = {}

BACKENDS = tuple(_BACKENDS)
"""Names accepted by the ``detector`` option."""


def get_detector(name: str) -> Detector:
    """The process-wide instance of backend ``name`` (built on first use)."""
    detector = _instances.get(name)
    if detector is None:
        with _lock:
            detector = _instances.get(name)
            if detector is None:
                detector = _instances[name] = _BACKENDS[name]()
    return detector
