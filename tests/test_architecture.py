"""The one-way data flow: only desktop/ (and main.py, to start the GUI) may import Qt."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QT_FREE = ["extractors", "nlp", "store", "reports", "services", "errors.py"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _py_files(entry: str):
    target = ROOT / entry
    return [target] if target.is_file() else sorted(target.rglob("*.py"))


def test_only_desktop_imports_qt():
    offenders = [
        str(path.relative_to(ROOT))
        for entry in QT_FREE
        for path in _py_files(entry)
        if {"PySide6", "shiboken6", "desktop"} & _imports(path)
    ]
    assert offenders == [], f"Qt (or desktop/) imported outside desktop/: {offenders}"


def test_main_imports_qt_only_inside_the_gui_command():
    tree = ast.parse((ROOT / "main.py").read_text(encoding="utf-8"))
    top_level = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    names = {a.name.split(".")[0] for n in top_level for a in n.names} | {
        n.module.split(".")[0] for n in top_level if isinstance(n, ast.ImportFrom) and n.module
    }
    assert not {"PySide6", "desktop"} & names


def test_lower_layers_do_not_import_upper_ones():
    forbidden = {
        "extractors": {"nlp", "store", "reports", "services", "desktop"},
        "nlp": {"store", "reports", "services", "desktop"},
        "store": {"nlp", "reports", "services", "desktop"},
        "reports": {"nlp", "services", "desktop"},
        "services": {"desktop"},
    }
    offenders = []
    for folder, banned in forbidden.items():
        for path in _py_files(folder):
            bad = banned & _imports(path)
            if bad:
                offenders.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert offenders == []
