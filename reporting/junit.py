"""JUnit XML, the shape CI test tabs read (Jenkins, GitLab, GitHub test reporters).

<testsuites><testsuite><properties/><testcase><properties/><failure message type>text as described by
https://github.com/testmoapp/junitxml. Counts are computed from the cases; every name, message, text and property
passes through `clean`, since XML 1.0 forbids most control characters (https://www.w3.org/TR/xml/#charsets) and a
response body quoted in a failure may contain them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    """`text` with the characters XML 1.0 cannot hold replaced by U+FFFD."""
    return _INVALID_XML.sub("\ufffd", text)


@dataclass(frozen=True)
class Failure:
    message: str  # one line: what a CI tab shows
    text: str  # the detail: causes, an example exchange, the failing cases
    type: str | None = None


@dataclass(frozen=True)
class Case:
    classname: str
    name: str
    failure: Failure | None = None
    properties: Sequence[tuple[str, str]] = ()
    time: str | None = None  # seconds


@dataclass(frozen=True)
class Suite:
    name: str
    cases: Sequence[Case]
    properties: Sequence[tuple[str, str]] = ()
    time: str | None = None  # seconds
    timestamp: str | None = None  # ISO 8601, UTC

    @property
    def failures(self) -> int:
        return sum(1 for case in self.cases if case.failure is not None)


def _properties(parent: ET.Element, properties: Sequence[tuple[str, str]]) -> None:
    if properties:
        element = ET.SubElement(parent, "properties")
        for name, value in properties:
            ET.SubElement(element, "property", {"name": clean(name), "value": clean(value)})


def _optional(attributes: dict[str, str], **optional: str | None) -> dict[str, str]:
    return attributes | {name: value for name, value in optional.items() if value is not None}


def render(name: str, suites: Sequence[Suite], *, time: str | None = None) -> str:
    """The document, with its XML declaration and a final newline."""
    root = ET.Element("testsuites", _optional({
        "name": name, "tests": str(sum(len(suite.cases) for suite in suites)),
        "failures": str(sum(suite.failures for suite in suites)), "errors": "0"}, time=time))
    for suite in suites:
        element = ET.SubElement(root, "testsuite", _optional({
            "name": clean(suite.name), "tests": str(len(suite.cases)), "failures": str(suite.failures),
            "errors": "0", "skipped": "0"}, time=suite.time, timestamp=suite.timestamp))
        _properties(element, suite.properties)
        for case in suite.cases:
            testcase = ET.SubElement(element, "testcase", _optional(
                {"classname": clean(case.classname), "name": clean(case.name)}, time=case.time))
            _properties(testcase, case.properties)
            if case.failure is not None:
                failure = ET.SubElement(testcase, "failure", _optional({"message": clean(case.failure.message)},
                                                                       type=case.failure.type))
                failure.text = clean(case.failure.text)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
