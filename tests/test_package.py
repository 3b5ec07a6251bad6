"""The package surface: what pyproject.toml and __all__ promise exists and works."""

from __future__ import annotations

import importlib
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from spacy.language import Language

import jinmyaku_nlp

tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from Python 3.11")
PYPROJECT = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8"))


def test_all_names_exist() -> None:
    for name in jinmyaku_nlp.__all__:
        assert hasattr(jinmyaku_nlp, name), name


@pytest.mark.parametrize("group", ["spacy_factories", "spacy_tokenizers"])
def test_declared_entry_points_resolve(group: str) -> None:
    declared = PYPROJECT["project"]["entry-points"][group]
    for target in declared.values():
        module, _, attr = target.partition(":")
        assert callable(getattr(importlib.import_module(module), attr)), target
    installed = {ep.name: ep.value for ep in entry_points(group=group)}
    for name, target in declared.items():
        assert installed.get(name) == target, f"{name} is not installed as {target} (reinstall the package)"


def test_every_factory_is_registered_under_its_entry_point_name() -> None:
    for name in PYPROJECT["project"]["entry-points"]["spacy_factories"]:
        assert Language.has_factory(name), name


def test_console_script_and_module_run() -> None:
    assert PYPROJECT["project"]["scripts"]["jinmyaku"] == "jinmyaku_nlp.cli:main"
    out = subprocess.run([sys.executable, "-m", "jinmyaku_nlp", "--help"], capture_output=True, text=True, check=True)
    for command in ("analyze", "evaluate", "show", "report"):
        assert command in out.stdout


def test_package_data_is_shipped() -> None:
    from importlib import resources

    data = resources.files("jinmyaku_nlp").joinpath("data")
    names = {p.name for p in data.iterdir()}
    assert {"acts.jsonl", "patterns.jsonl", "structure.jsonl", "connectives.txt"} <= names
    assert resources.files("jinmyaku_nlp").joinpath("py.typed").is_file()
