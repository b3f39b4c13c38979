"""The library's shape: imports flow one way, with no circles and no imports hidden inside functions."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import grimp

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "lib" / "dharm"


def test_layer_contracts_hold():
    """config -> io -> stats -> report -> ledger -> present -> entry points; display libraries only in present."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache", "--config", str(REPO / ".importlinter")], cwd=REPO / "lib", capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_the_layers_contract_can_fail(tmp_path):
    """A contract that forbids what the code does must break: the check is not vacuous."""
    config = tmp_path / "contracts.ini"
    config.write_text("[importlinter]\nroot_package = dharm\n\n[importlinter:contract:upside-down]\nname = upside down\n"
                      "type = layers\nlayers =\n    dharm.config\n    dharm.io\n")
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache", "--config", str(config)], cwd=REPO / "lib", capture_output=True, text=True)
    assert result.returncode != 0 and "BROKEN" in result.stdout


def test_no_module_imports_itself_through_others():
    graph = grimp.build_graph("dharm")
    cycles = [(a, b) for a in graph.modules for b in graph.find_modules_directly_imported_by(a)
              if graph.chain_exists(importer=b, imported=a)]
    assert not cycles, cycles


def test_no_deferred_imports():
    """Imports sit at the top of each module: one inside a function hides a dependency (and often a circle)."""
    found = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found += [f"{path.relative_to(REPO)}:{inner.lineno}" for inner in ast.walk(node)
                          if isinstance(inner, (ast.Import, ast.ImportFrom))]
    assert not found, found


def test_no_module_names_a_country_or_types_a_tolerance_twice():
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text()
        assert "Cambodia" not in text, path  # countries are data
        if path.name != "config.py":
            assert "TOLERANCE_TOTAL =" not in text and "TOLERANCE_GROUP =" not in text, path
