"""junit.xml's test-suite properties: the run's tally, added to the file pytest's junitxml wrote."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

from chatconform.model.paths import write_atomic


def add_suite_properties(path: Path, properties: dict[str, object]) -> None:
    """Add `<property>`s to each test suite's `<properties>` (first in it, where junitxml puts them)."""
    if not path.is_file():
        return  # junitxml wrote nothing (an early stop): nothing to add to
    tree = ET.parse(path)
    root = tree.getroot()
    for suite in [root] if root.tag == "testsuite" else root.iter("testsuite"):
        block = suite.find("properties")
        if block is None:
            block = ET.Element("properties")
            suite.insert(0, block)
        for name, value in properties.items():
            ET.SubElement(block, "property", name=name, value=str(value))
    out = io.BytesIO()
    tree.write(out, encoding="utf-8", xml_declaration=True)
    write_atomic(path, out.getvalue())
