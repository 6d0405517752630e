"""Each package's public API, pinned, and the rule that keeps it real (as HTTPX pins its exports).

A package's modules are private (named with a leading underscore); what other packages may use is the package's
`__all__`, imported from the package itself (`from targets import redact`). Changing the API is then a visible edit of
this file, and a reach into another package's private module fails the import rule below.
Tests, benchmarks and scripts may reach inside, as tests do. docs/architecture.md#public-apis.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The modules outside tools name by path or dotted string keep plain names: Locust's locustfile (`locust -f`,
# [tool.locust]), schemathesis.toml's hooks module and the pytest suite the contract runner collects.
PUBLIC_MODULES = {"loadtests/locustfile.py", "contract_runner/st_hooks.py", "contract_runner/suite",
                  # reporting's three namespaces, exported as modules in its __all__ (reporting.junit.Case ...)
                  "reporting/junit.py", "reporting/markdown.py", "reporting/page.py"}
PINNED: dict[str, set[str]] = {
    "generators": {"Traffic", "build_parser", "main", "page_url", "seeded_faker", "worker_seed"},
    "reporting": {"Folder", "ReportFormat", "junit", "markdown", "page", "write_atomic", "write_folder"},
    "contracts": {"CAUSE_PREFIX", "COLLECT_V2", "CONTRACT_PATH", "Context", "ContractCheck", "ContractViolation",
        "Exchange", "ExitCode", "INTERACT_V1", "INTERACT_V2", "MULTI_STATUS", "REGISTRY", "accepts", "contract",
        "describe", "hint_of", "hinted_path", "judge", "label_for", "location_hints", "lower_headers",
        "nonfatal_codes", "shorten"},
    "targets": {"AUTHENTICATED_DATASTREAM_ID", "AUTH_METHODS", "AuthError", "CATEGORIES", "Credentials",
        "DEFAULT_CONFIG", "DEFAULT_DATASTREAM_ID", "DISABLED_DATASTREAM_ID", "EXCHANGE_LOG_ENV", "MASK",
        "MAX_RESPONSE_ENV", "OTHER", "Overrides", "Profile", "ProfileError", "REFUSED", "RESET", "RESOLVED_ENV",
        "RULES", "Redactor", "ResponseTooLarge", "TIMEOUT", "TOO_LARGE", "TRUNCATED", "Tally",
        "UNKNOWN_DATASTREAM_ID", "category_of", "credentials_for", "is_local_url", "is_secret_name", "read_config",
        "redact", "redact_bytes", "redact_settings", "redact_tree", "refusal", "require_datastream", "resolve",
        "tls_context"},
    "xdm": {"SHIPPED_SCHEMA_DIR", "XdmSchemaError", "XdmValidator", "build_parser", "main"},
    "emulator": {"DEFAULT_DATASTREAM_ID", "EmulatorStartError", "FRAGMENT_BYTES", "Lifeline", "RunningEmulator",
        "build_parser", "die_with_parent", "inherited_lifeline", "main", "request_units", "spawn"},
    "contract_runner": {"ConsoleLine", "DEFAULT_MAX_RESPONSE_BYTES", "main", "parser"},
    "loadtests": {"main"},
}


@pytest.mark.parametrize("package", sorted(PINNED))
def test_public_api_is_the_pinned_set(package: str) -> None:
    module = importlib.import_module(package)
    assert set(module.__all__) == PINNED[package]
    assert len(module.__all__) == len(set(module.__all__)), "a name listed twice in __all__"


@pytest.mark.parametrize("package", sorted(PINNED))
def test_public_api_names_resolve(package: str) -> None:
    module = importlib.import_module(package)
    missing = [name for name in module.__all__ if getattr(module, name, None) is None]
    assert missing == []


@pytest.mark.parametrize("package", sorted(PINNED))
def test_package_modules_are_private_unless_outside_tools_name_them(package: str) -> None:
    public = sorted(
        path.relative_to(ROOT).as_posix() for path in (ROOT / package).iterdir()
        if not path.name.startswith(("_", ".")) and (path.suffix == ".py" or (path / "__init__.py").exists())
        and path.relative_to(ROOT).as_posix() not in PUBLIC_MODULES
    )
    assert public == []


def _cross_package_imports(path: Path, own: str) -> list[tuple[int, str, list[str]]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            top = node.module.split(".")[0]
            if top in PINNED and top != own:
                found.append((node.lineno, node.module, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                if top in PINNED and top != own and alias.name != top:
                    found.append((node.lineno, alias.name, []))
    return found


def test_packages_use_each_other_only_through_their_api() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line} imports {module} {names}"
        for own in PINNED
        for path in sorted((ROOT / own).rglob("*.py"))
        for line, module, names in _cross_package_imports(path, own)
        if module != module.split(".")[0] or not set(names) <= PINNED[module]
    ]
    assert offenders == []


def test_the_import_rule_sees_a_reach_inside(tmp_path: Path) -> None:
    # Guards the walker: a rule that parsed nothing would pass vacuously.
    sample = tmp_path / "sample.py"
    sample.write_text("from targets._redaction import redact\nfrom targets import redact\n", encoding="utf-8")
    assert [module for _, module, _ in _cross_package_imports(sample, "loadtests")] == ["targets._redaction", "targets"]
