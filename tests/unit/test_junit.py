"""junit.xml's suite properties are added to the file junitxml wrote, nothing else in it changed."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from chatconform.reporting.junit import add_suite_properties

WRITTEN = (
    '<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests">'
    '<testsuite name="pytest" errors="0" failures="1" skipped="0" tests="2">{props}'
    '<testcase classname="c" name="a &amp; b"><properties>'
    '<property name="chatconform.verdict" value="pass" />'
    '</properties></testcase><testcase classname="c" name="d"><failure message="x">why</failure></testcase>'
    "</testsuite></testsuites>"
)


def test_the_tally_is_the_suite_s_first_properties_and_the_cases_are_kept(tmp_path):
    path = tmp_path / "junit.xml"
    path.write_text(WRITTEN.format(props=""), encoding="utf-8")
    add_suite_properties(path, {"chatconform.pass": 1, "chatconform.fail": 1})
    suite = ET.parse(path).getroot().find("testsuite")
    assert suite[0].tag == "properties"
    assert [(p.get("name"), p.get("value")) for p in suite[0]] == [
        ("chatconform.pass", "1"),
        ("chatconform.fail", "1"),
    ]
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["a & b", "d"] and cases[1].find("failure").text == "why"
    assert path.read_bytes().startswith(b"<?xml version='1.0' encoding='utf-8'?>")


def test_properties_the_suite_already_has_are_kept(tmp_path):
    path = tmp_path / "junit.xml"
    path.write_text(WRITTEN.format(props='<properties><property name="own" value="1" /></properties>'))
    add_suite_properties(path, {"chatconform.gap": 2})
    suite = ET.parse(path).getroot().find("testsuite")
    assert [p.get("name") for p in suite.find("properties")] == ["own", "chatconform.gap"]


def test_no_file_no_change(tmp_path):
    add_suite_properties(tmp_path / "junit.xml", {"chatconform.pass": 1})
    assert list(tmp_path.iterdir()) == []
