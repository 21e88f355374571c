"""Fixtures for the document readers: our own generated French documents."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

MAKER = Path(__file__).resolve().parents[2] / "config" / "demo" / "make_inbox.py"


def load_maker() -> ModuleType:
    """config/demo/make_inbox.py, which writes the demo documents (and a tiny PDF writer)."""
    name = "relais_demo_make_inbox"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, MAKER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def maker() -> ModuleType:
    return load_maker()


@pytest.fixture(scope="session")
def demo_files(maker: ModuleType) -> dict[str, bytes]:
    files: dict[str, bytes] = maker.demo_files()
    return files
