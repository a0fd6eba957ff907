"""The plugin host: entry-point discovery, registration rules, env controls, the testing kit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from r1verify import Engine, Recipe, Sample, Status, Verifier
from r1verify.plugins import PluginError, UnknownVerifierError, get_verifier_class, plugin_infos, pm, verifiers
from r1verify.testing import inline_plugin, registered

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


class Dupe(Verifier):
    name = "exact_match"

    def verify(self, sample):
        return True


def test_hookspecs_use_one_name_for_marker_manager_and_group():
    from r1verify import hookimpl
    from r1verify.hookspecs import hookspec
    from r1verify.plugins import GROUP

    assert pm.project_name == GROUP == "r1verify"
    assert hookimpl.project_name == hookspec.project_name == "r1verify"


def test_builtin_verifier_is_registered_with_its_plugin_name():
    found = verifiers()
    assert found["exact_match"].plugin == "r1verify.builtin"


def test_two_plugins_registering_one_name_is_an_error_naming_both():
    with registered(inline_plugin([Dupe]), name="impostor"):
        with pytest.raises(PluginError) as info:
            verifiers()
    message = str(info.value)
    assert "'exact_match'" in message and "'impostor'" in message and "'r1verify.builtin'" in message


def test_registering_something_that_is_not_a_verifier_is_an_error():
    with registered(inline_plugin([dict]), name="confused"):
        with pytest.raises(PluginError, match="confused.*not a r1verify.Verifier"):
            verifiers()


def test_unknown_verifier_lists_the_installed_ones():
    with pytest.raises(UnknownVerifierError) as info:
        get_verifier_class("nonexistent")
    assert "exact_match" in str(info.value) and "nonexistent" in str(info.value)


def test_a_hook_with_an_unknown_name_is_rejected_by_check_pending():
    from r1verify import hookimpl

    class Typo:
        @hookimpl
        def register_verifier(self, register):  # missing "s"
            pass

    with registered(Typo(), name="typo"):
        with pytest.raises(Exception, match="register_verifier"):
            pm.check_pending()


def test_testing_kit_fixture_registers_for_one_test(r1verify_plugin):
    class Shout(Verifier):
        name = "shout"

        def verify(self, sample):
            return Verdict.correct() if sample.completion.isupper() else Verdict.wrong("not shouting")

    from r1verify import Verdict

    r1verify_plugin(verifiers=[Shout], recipes={"shouting": {"verifiers": {"shout": {}}}})
    assert "shout" in verifiers()
    assert Recipe.load("shouting").specs[0].verifier == "shout"


def test_plugin_infos_name_distributions_and_versions():
    infos = {info.name: info for info in plugin_infos()}
    builtin = infos["r1verify.builtin"]
    assert builtin.distribution == "r1verify" and builtin.version
    assert "exact_match" in builtin.verifiers


# --------------------------------------------------------------------------- a real separate distribution
@pytest.fixture(scope="module")
def wordcount_site(tmp_path_factory) -> Path:
    """examples/plugin-example installed by pip as its own distribution into a separate site dir."""
    work = tmp_path_factory.mktemp("wordcount")
    src = work / "src"
    shutil.copytree(ROOT / "examples" / "plugin-example", src)
    site = work / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(site),
            str(src),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    assert (site / "r1verify_wordcount-0.1.0.dist-info" / "entry_points.txt").exists()
    return site


def run_cli(*args: str, site: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    if site is not None:
        full_env["PYTHONPATH"] = str(site) + os.pathsep + full_env.get("PYTHONPATH", "")
    return subprocess.run([str(BIN / "r1verify"), *args], capture_output=True, text=True, env=full_env, timeout=120)


def test_a_separately_installed_plugin_is_discovered_and_used_by_the_cli(wordcount_site, tmp_path):
    data = tmp_path / "in.jsonl"
    data.write_text(
        "\n".join(
            json.dumps({"completion": c})
            for c in ["<think>hm</think> short answer", "<think>x</think>", "<think>x</think> " + "w " * 60]
        )
        + "\n"
    )
    out = tmp_path / "out.jsonl"
    listed = run_cli("plugins", "--json", site=wordcount_site)
    assert listed.returncode == 0, listed.stderr
    entry = {p["name"]: p for p in json.loads(listed.stdout)}["wordcount"]
    assert entry["distribution"] == "r1verify-wordcount" and entry["verifiers"] == ["wordcount"]

    proc = run_cli("verify", str(data), "-v", "wordcount:max_words=50", "--out", str(out), site=wordcount_site)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["verdicts"]["wordcount"]["status"] for r in rows] == ["correct", "no_answer", "format_error"]

    # Without the distribution, the CLI names the missing verifier and the installed ones.
    gone = run_cli("verify", str(data), "-v", "wordcount", "--out", str(out))
    assert gone.returncode == 2
    assert "no verifier named 'wordcount'" in gone.stderr and "exact_match" in gone.stderr


def test_env_controls_block_and_select_plugins(wordcount_site):
    blocked = run_cli("plugins", "--json", site=wordcount_site, env={"R1VERIFY_BLOCK_PLUGINS": "wordcount"})
    assert "wordcount" not in {p["name"] for p in json.loads(blocked.stdout)}
    only = run_cli("plugins", "--json", site=wordcount_site, env={"R1VERIFY_LOAD_PLUGINS": "wordcount"})
    names = {p["name"] for p in json.loads(only.stdout)}
    assert names == {"wordcount", "r1verify.builtin"}


def test_a_plugin_that_fails_to_import_is_named_with_the_way_out(tmp_path):
    site = tmp_path / "site"
    dist = site / "broken_plugin-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[r1verify]\nbroken = broken_plugin_module\n")
    (site / "broken_plugin_module.py").write_text("raise ImportError('needs libfoo')\n")
    proc = run_cli("plugins", site=site)
    assert proc.returncode == 2
    assert "plugin 'broken'" in proc.stderr and "needs libfoo" in proc.stderr
    assert "R1VERIFY_BLOCK_PLUGINS=broken" in proc.stderr
    assert run_cli("plugins", site=site, env={"R1VERIFY_BLOCK_PLUGINS": "broken"}).returncode == 0


def test_verifiers_pickle_and_an_engine_does_not():
    import pickle

    from r1verify.builtin import ExactMatch

    verifier = ExactMatch(delimiter="</reasoning>")
    clone = pickle.loads(pickle.dumps(verifier))
    assert clone == verifier and clone.options.delimiter == "</reasoning>"
    with Engine(Recipe.from_verifier_args(["exact_match"]), workers=1) as engine:
        with pytest.raises(TypeError, match="does not pickle"):
            pickle.dumps(engine)
        assert (
            engine.verify([Sample("<think>.</think> 4", reference="4")])[0].verdicts["exact_match"].status
            is Status.CORRECT
        )
