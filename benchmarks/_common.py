"""What several benchmarks share: the repository's path, modules loaded from a file,
percentiles, and a process's memory as Linux reports it.

A benchmark puts the repository first on sys.path, then imports this as ``benchmarks._common``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]


def load_module(name: str, relative: str) -> ModuleType:
    """A module of the repository that is not in a package (``config/demo/make_inbox.py``)."""
    spec = importlib.util.spec_from_file_location(name, REPO / relative)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_maker() -> ModuleType:
    """The demo's document maker (e-mails, PDFs, .docx built from text)."""
    return load_module("make_inbox", "config/demo/make_inbox.py")


def percentile(values: list[float], fraction: float) -> float:
    """The value at ``fraction`` (0.95: p95) of the sorted values, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def status_mib(pid: int | str, field: str = "VmRSS") -> float:
    """A field of ``/proc/PID/status`` in MiB (VmHWM: the process's own peak; ru_maxrss would
    carry the parent's over exec); 0.0 once the process is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0
