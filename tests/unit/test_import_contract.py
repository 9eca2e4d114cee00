"""The shape a newcomer can see, enforced: layers (import-linter), no cross-package private import, no
circle, every package's exports stated and no other name imported from it."""

import subprocess
import sys
from pathlib import Path

import grimp

from tools.imports import (
    circles,
    graph,
    host_private_uses,
    packages_without_exports,
    private_imports,
    unexported_imports,
)

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


def test_every_package_states_its_exports_and_no_module_imports_a_name_a_package_does_not_export():
    assert packages_without_exports(ROOT / "src") == []
    assert unexported_imports(ROOT / "src") == []


def test_the_export_rules_see_a_package_without_all_and_a_name_it_does_not_export(tmp_path):
    files = {
        "pkg/__init__.py": '"""No __all__."""\n',
        "pkg/a/__init__.py": '__all__ = ["shown"]\nshown = hidden = 1\n',
        "pkg/a/mod.py": '__all__ = ["x"]\nx = y = 1\n',
        "pkg/a/plain.py": "z = _w = 1\n",
        "pkg/a/inner.py": "from pkg.a import hidden\n",  # inside its own package: allowed
        "pkg/b.py": (
            "from pkg.a import shown, hidden, plain\n"
            "from pkg.a.mod import x, y\n"
            "def later():\n"
            "    from pkg.a.plain import z, _w\n"
        ),
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert packages_without_exports(tmp_path, "pkg") == ["pkg"]
    assert unexported_imports(tmp_path, "pkg") == [
        ("pkg.b", "pkg.a.hidden"),
        ("pkg.b", "pkg.a.mod.y"),
        ("pkg.b", "pkg.a.plain._w"),
    ]


def test_the_pytest_plugin_and_the_reports_use_only_the_public_api_of_pytest_pluggy_and_allure():
    src = ROOT / "src" / "chatconform"
    files = sorted([*(src / "pytest_plugin").rglob("*.py"), *(src / "reporting").rglob("*.py")])
    assert len(files) > 20 and host_private_uses(files) == []


def test_the_public_api_rule_sees_a_private_module_and_a_private_attribute(tmp_path):
    code = tmp_path / "plugin.py"
    code.write_text(
        "from _pytest.junitxml import xml_key\n"
        "import allure_commons._core\n"
        "from allure_commons import plugin_manager\n"  # public
        "def make(item, self):\n"
        "    self._mine = item._fixtureinfo\n"  # its own attribute is allowed, pytest's is not
    )
    assert host_private_uses([code]) == [
        ("plugin.py", 1, "_pytest.junitxml"),
        ("plugin.py", 2, "allure_commons._core"),
        ("plugin.py", 5, "._fixtureinfo"),
    ]
