"""core.policy.cache: checked policy files read back between commands, and refused whenever they may be stale."""

from __future__ import annotations

import os
import pickle
import shutil

import pytest

from core.coverage import coverage_markdown
from core.engine import load_policies
from core.paths import POLICIES
from core.policy import cache
from core.policy.cache import MAGIC, cached
from core.vocabulary import Vocabulary


def _sources(directory):
    return [*sorted(directory.glob("*.yaml")), POLICIES / "vocabulary.yaml"]


class Builds:
    """``build`` for cached(): loads the policies of ``directory`` and counts how often it had to."""

    def __init__(self, directory):
        self.directory, self.count = directory, 0

    def __call__(self):
        self.count += 1
        return load_policies(self.directory)


@pytest.fixture
def policies(tmp_path):
    folder = tmp_path / "policies"
    shutil.copytree(POLICIES, folder, ignore=shutil.ignore_patterns("cases"))
    return folder


def test_second_read_comes_from_the_cache_and_is_the_same_policy_set(tmp_path, policies):
    build = Builds(policies)
    first = cached("policies", _sources(policies), build, folder=tmp_path / "cache")
    again = cached("policies", _sources(policies), build, folder=tmp_path / "cache")
    assert build.count == 1
    assert again is not first
    assert again.rules_json() == first.rules_json()
    assert coverage_markdown(again) == coverage_markdown(
        first
    )  # every rule, reading and clause, as the clerk reads them
    assert isinstance(again.vocabulary, Vocabulary)


def test_the_policy_set_read_back_passes_every_rule_case(tmp_path):
    """Each rule case (resources/policies/cases) works out an award by hand from its clause: the policy set that went
    through the cache computes every one of them as the freshly parsed one does."""
    from core.rulecases import run_rule_cases

    build = Builds(POLICIES)
    cached("policies", _sources(POLICIES), build, folder=tmp_path / "cache")
    read_back = cached("policies", _sources(POLICIES), build, folder=tmp_path / "cache")
    assert build.count == 1
    report = run_rule_cases(read_back)
    assert report.failures == [] and report.uncovered == []
    assert report.passed == run_rule_cases(load_policies()).passed > 100


def test_an_edited_policy_file_is_read_again(tmp_path, policies):
    build = Builds(policies)
    before = cached("policies", _sources(policies), build, folder=tmp_path / "cache")
    path = policies / "tl-2023-1.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# 改过\n", encoding="utf-8")
    cached("policies", _sources(policies), build, folder=tmp_path / "cache")
    assert build.count == 2
    # and a file added to the folder is read too
    (policies / "tl-copy.yaml").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(Exception, match="重复"):  # the copy's document id clashes: it was read, not skipped
        cached("policies", _sources(policies), build, folder=tmp_path / "cache")
    assert build.count == 3
    (policies / "tl-copy.yaml").unlink()
    assert cached("policies", _sources(policies), build, folder=tmp_path / "cache").rules_json() == before.rules_json()


def test_a_changed_module_of_the_program_makes_the_cache_stale(tmp_path, policies, monkeypatch):
    module = tmp_path / "module.py"
    module.write_text("x = 1\n")
    monkeypatch.setattr(cache, "code_stamps", lambda: [(str(module), module.stat().st_size, module.stat().st_mtime_ns)])
    build = Builds(policies)
    cached("policies", _sources(policies), build, folder=tmp_path / "cache")  # written with the module's stamp
    cached("policies", _sources(policies), build, folder=tmp_path / "cache")
    assert build.count == 1
    module.write_text("x = 22\n")  # a new version of a module the cache was written by
    cached("policies", _sources(policies), build, folder=tmp_path / "cache")
    assert build.count == 2
    module.unlink()
    cached("policies", _sources(policies), build, folder=tmp_path / "cache")
    assert build.count == 3


class Planted:
    """What a planted cache would run when unpickled: it must never be called."""

    def __reduce__(self):
        return (os.system, ("touch planted",))


def test_a_planted_cache_is_refused_without_running_anything(tmp_path, policies, monkeypatch):
    monkeypatch.chdir(tmp_path)
    build = Builds(policies)
    folder = tmp_path / "cache"
    cached("policies", _sources(policies), build, folder=folder)
    path = folder / "policies.pickle"
    head = path.read_bytes().split(b"\n", 3)  # magic, key, stamps, pickle
    path.write_bytes(b"\n".join(head[:3]) + b"\n" + pickle.dumps(Planted()))
    policy_set = cached("policies", _sources(policies), build, folder=folder)
    assert not (tmp_path / "planted").exists()
    assert build.count == 2 and policy_set.rules
    assert path.read_bytes().startswith(MAGIC)  # written anew


@pytest.mark.parametrize("damage", [b"", b"KJJB", MAGIC + b"0" * 64 + b"\n[]\n" + b"\x80\x05garbage"])
def test_a_damaged_cache_is_rebuilt(tmp_path, policies, damage):
    build = Builds(policies)
    folder = tmp_path / "cache"
    cached("policies", _sources(policies), build, folder=folder)
    path = folder / "policies.pickle"
    if len(damage) > 20:  # the right key, then a broken pickle
        key = path.read_bytes().split(b"\n", 2)[1]
        damage = damage.replace(b"0" * 64, key)
    path.write_bytes(damage)
    assert cached("policies", _sources(policies), build, folder=folder).rules
    assert build.count == 2
    assert cached("policies", _sources(policies), build, folder=folder).rules
    assert build.count == 2


def test_a_mistake_in_a_policy_file_is_never_cached(tmp_path, policies):
    from core.policy.loader import PolicyError

    build = Builds(policies)
    path = policies / "tl-2023-1.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("document:", "documnet:", 1), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(PolicyError):
            cached("policies", _sources(policies), build, folder=tmp_path / "cache")
    assert build.count == 2
    assert not (tmp_path / "cache" / "policies.pickle").exists()


def test_a_folder_it_cannot_write_to_only_costs_the_cache(tmp_path, policies):
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder would be")
    build = Builds(policies)
    assert cached("policies", _sources(policies), build, folder=blocker).rules
    assert cached("policies", _sources(policies), build, folder=blocker).rules
    assert build.count == 2


def test_the_command_line_reads_policies_through_the_cache(tmp_path, monkeypatch, capsys):
    from core.cli import main

    monkeypatch.setenv("KJJB_DATA_DIR", str(tmp_path))
    assert main(["rules"]) == 0
    first = capsys.readouterr().out
    assert (tmp_path / "cache" / "policies.pickle").exists()
    assert main(["rules"]) == 0
    assert capsys.readouterr().out == first


def test_the_stamps_name_the_modules_that_read_the_files():
    import core.policy.loader

    files = {file for file, _, _ in cache.code_stamps()}
    assert core.policy.loader.__file__ in files and cache.__file__ in files


def test_the_vocabulary_is_read_through_the_cache(tmp_path, monkeypatch):
    from core.vocabulary import load_vocabulary

    monkeypatch.setenv("KJJB_DATA_DIR", str(tmp_path))
    read = load_vocabulary.__wrapped__  # past the in-process lru_cache
    first = read()
    assert (tmp_path / "cache" / "vocabulary.pickle").exists()
    again = read()
    assert again is not first
    assert again == first  # every enum, claim type and field (dataclasses compare by value)


def test_the_regions_are_read_through_the_cache(tmp_path, monkeypatch):
    from core.regions import REGIONS_FILE, _load, regions

    monkeypatch.setenv("KJJB_DATA_DIR", str(tmp_path))
    first = regions.__wrapped__()
    assert (tmp_path / "cache" / "regions.pickle").exists()
    again = regions.__wrapped__()
    assert again is not first and again == first == _load(REGIONS_FILE)
    assert again.resolve("hulunbuir", "莫旗") == "莫力达瓦达斡尔族自治旗"


def test_a_value_pickle_cannot_hold_is_returned_uncached(tmp_path):
    def build():
        return {"rule": lambda: 1}  # nothing a policy set holds; pickling it fails

    assert cached("odd", [POLICIES / "vocabulary.yaml"], build, folder=tmp_path)["rule"]() == 1
    assert not list(tmp_path.glob("*.tmp")) and not (tmp_path / "odd.pickle").exists()
