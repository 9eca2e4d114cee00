"""The shape a newcomer can see, enforced: layers (import-linter), no cross-package private import, no
circle."""

import subprocess
import sys
from pathlib import Path

import grimp

from tools.imports import circles, graph, private_imports

ROOT = Path(__file__).resolve().parents[2]


def test_the_layers_of_the_pipeline_are_kept():
    linter = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(linter), "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    assert "1 kept, 0 broken" in result.stdout


def test_no_module_imports_another_package_s_private_module_and_none_import_in_a_circle():
    imports = graph()
    assert private_imports(imports) == []
    assert circles(imports) == []


def test_the_rules_see_a_private_import_and_a_circle_when_one_is_added():
    imports = grimp.ImportGraph()
    for module in ("pkg", "pkg.a", "pkg.a._inner", "pkg.b", "pkg.c", "pkg.d"):
        imports.add_module(module)
    imports.add_import(importer="pkg.a", imported="pkg.a._inner")  # inside its own package: allowed
    imports.add_import(importer="pkg.b", imported="pkg.a._inner")  # across packages: refused
    imports.add_import(importer="pkg.c", imported="pkg.d")
    imports.add_import(importer="pkg.d", imported="pkg.c")
    assert private_imports(imports) == [("pkg.b", "pkg.a._inner")]
    assert circles(imports) == [["pkg.c", "pkg.d"]]
