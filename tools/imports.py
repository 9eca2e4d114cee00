"""The import rules of src/chatconform beyond the layers import-linter keeps (pyproject.toml): no module
imports another package's private module, no modules import each other in a circle (type-only imports
aside), every package states its exports (`__all__`) and no module imports a name from another package that
the package does not export (its `__all__`, or a public name of one of its public modules)."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp


def graph(package: str = "chatconform") -> grimp.ImportGraph:
    """The package's import graph, every import statement counted, `if TYPE_CHECKING:` ones left out."""
    return grimp.build_graph(package, include_external_packages=False, exclude_type_checking_imports=True)


def private_imports(imports: grimp.ImportGraph) -> list[tuple[str, str]]:
    """(importer, imported) where the imported module is private (`_name`) to a package the importer is not
    in."""
    found = []
    for importer in sorted(imports.modules):
        for imported in sorted(imports.find_modules_directly_imported_by(importer)):
            parts = imported.split(".")
            first = next(
                (i for i, p in enumerate(parts) if p.startswith("_") and not p.startswith("__")), None
            )
            owner = ".".join(parts[:first]) if first is not None else None
            if owner is not None and importer != owner and not importer.startswith(owner + "."):
                found.append((importer, imported))
    return found


def circles(imports: grimp.ImportGraph) -> list[list[str]]:
    """Every set of modules that import each other in a circle (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(imports.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(imports.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    circle = _pop_component(stack, on_stack, node)
                    if len(circle) > 1:
                        found.append(sorted(circle))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(imports.find_modules_directly_imported_by(child)))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found


def _pop_component(stack: list[str], on_stack: set[str], root: str) -> list[str]:
    component = []
    while True:
        module = stack.pop()
        on_stack.discard(module)
        component.append(module)
        if module == root:
            return component


def unexported_imports(src: Path, package: str = "chatconform") -> list[tuple[str, str]]:
    """(importer, name) where a module imports from another package a name the package does not export."""
    modules = _modules(src, package)
    found = []
    for importer, (path, _) in sorted(modules.items()):
        for source, name in _imported_names(path):
            if source not in modules or name in _public_submodules(modules, source):
                continue  # outside the package, or a module rather than a name
            owner = source if modules[source][1] else source.rpartition(".")[0]
            if importer == owner or importer.startswith(owner + "."):
                continue  # a package's own modules share what they like
            if name not in _exports(modules, source):
                found.append((importer, f"{source}.{name}"))
    return found


def packages_without_exports(src: Path, package: str = "chatconform") -> list[str]:
    """Each package whose `__init__` does not say what it exports (`__all__`)."""
    modules = _modules(src, package)
    return [name for name, (path, is_package) in sorted(modules.items()) if is_package and _all(path) is None]


def _all(path: Path) -> set[str] | None:
    """The file's literal `__all__`, None without one."""
    for node in ast.parse(path.read_text("utf-8")).body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign)
            else []
        )
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets) and node.value is not None:
            return set(ast.literal_eval(node.value))
    return None


def _modules(src: Path, package: str) -> dict[str, tuple[Path, bool]]:
    """Module name -> (its file, whether it is a package's __init__)."""
    out = {}
    for path in sorted((src / package).rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        out[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return out


def _imported_names(path: Path) -> list[tuple[str, str]]:
    """(module, name) of each absolute `from module import name` in the file (in functions too)."""
    tree = ast.parse(path.read_text("utf-8"))
    return [
        (node.module, alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
        for alias in node.names
    ]


def _public_submodules(modules: dict[str, tuple[Path, bool]], source: str) -> set[str]:
    prefix = source + "."
    return {
        name[len(prefix) :]
        for name in modules
        if name.startswith(prefix)
        and "." not in name[len(prefix) :]
        and not name[len(prefix)].startswith("_")
    }


def _exports(modules: dict[str, tuple[Path, bool]], source: str) -> set[str]:
    """A package's `__all__` (nothing without one); a module's `__all__`, else its public names."""
    path, is_package = modules[source]
    stated = _all(path)
    if stated is not None or is_package:
        return stated or set()
    return {name for name in _defined(ast.parse(path.read_text("utf-8"))) if not name.startswith("_")}


def _defined(tree: ast.Module) -> set[str]:
    """The names a module binds at its top level (in `if` and `try` blocks too, not inside functions)."""
    names: set[str] = set()
    todo: list[ast.stmt] = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, (ast.If, ast.Try, ast.With)):
            todo.extend(s for block in ("body", "orelse", "finalbody") for s in getattr(node, block, []))
            todo.extend(s for h in getattr(node, "handlers", []) for s in h.body)
        else:
            names.update(
                n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
            )
    return names


# the third-party packages the pytest plugin and the Allure writer talk to: their public API only
HOSTS = ("pytest", "_pytest", "pluggy", "allure", "allure_commons", "allure_pytest")


def host_private_uses(files: list[Path]) -> list[tuple[str, int, str]]:
    """(file, line, what) for each private name of pytest, pluggy or Allure the files use: an import of a
    private module (or of allure-pytest, whose whole API is its command line), or `obj._name` on an object
    that is not the code's own (`self`, `cls`)."""
    found = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            for what in _private_use(node):
                found.append((path.name, node.lineno, what))
    return found


def _private_use(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if _host_private(a.name)]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and _host_private(node.module):
        return [node.module]
    if (
        isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
        and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
    ):
        return [f"._{node.attr.lstrip('_')}"]
    return []


def _host_private(module: str) -> bool:
    parts = module.split(".")
    return parts[0] in HOSTS and (
        parts[0] in ("_pytest", "allure_pytest") or any(p.startswith("_") for p in parts[1:])
    )
