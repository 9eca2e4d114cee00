"""The import rules of src/chatconform beyond the layers import-linter keeps (pyproject.toml): no module
imports another package's private module, and no modules import each other in a circle (type-only imports
aside)."""

from __future__ import annotations

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
