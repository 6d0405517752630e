"""The container image definition and the Kubernetes manifests of deploy/, checked offline: every manifest
against the Kubernetes API schemas (PyPI kubernetes-validate, strict: no unknown field), and every edgeload
command line and config in them against edgeload's own parsers, so a manifest cannot ask for a flag that fails."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from emulator._cli import settings_from, workers_from
from loadtests._distributed import master_from, parse_master_address
from loadtests._settings import load

ROOT = Path(__file__).resolve().parents[2]
MANIFESTS = sorted((ROOT / "deploy" / "kubernetes").glob("*.yaml"))
KUBERNETES = "1.37.0"  # the newest schemas kubernetes-validate ships


def _resources() -> list[tuple[str, dict[str, Any]]]:
    return [(path.name, document) for path in MANIFESTS for document in yaml.safe_load_all(path.read_text())
            if document]


def _containers() -> dict[str, dict[str, Any]]:
    found = {}
    for _, resource in _resources():
        spec = resource.get("spec", {})
        pod = spec["template"]["spec"] if "template" in spec else spec
        for container in pod.get("containers", []):
            found[resource["metadata"]["name"]] = container
    return found


def _config(tmp_path: Path, key: str) -> Path:
    configmap = next(r for _, r in _resources() if r["kind"] == "ConfigMap")
    path = tmp_path / key
    path.write_text(configmap["data"][key], encoding="utf-8")
    return path


def _args(container: dict[str, Any], tmp_path: Path) -> list[str]:
    """The container's edgeload arguments, its /config files replaced by the ConfigMap's contents."""
    return [str(_config(tmp_path, arg.rsplit("/", 1)[1])) if arg.startswith("/config/") else arg
            for arg in container["args"][1:]]


@pytest.mark.parametrize(("name", "resource"), [pytest.param(n, r, id=f"{n}:{r['kind']}") for n, r in _resources()])
def test_kubernetes_manifest_is_valid_against_the_api_schema(name, resource):
    kubernetes_validate.validate(resource, KUBERNETES, strict=True)  # raises ValidationError naming the field


def test_kubernetes_manifests_cover_master_workers_secrets_and_reports():
    kinds = {(r["kind"], r["metadata"]["name"]) for _, r in _resources()}
    assert {("Job", "edgeload-master"), ("Service", "edgeload-master"), ("Job", "edgeload-workers"),
            ("PersistentVolumeClaim", "edgeload-reports"), ("Secret", "edgeload-credentials")} <= kinds
    for container in _containers().values():
        if container["name"] != "reader":
            assert {"secretRef": {"name": "edgeload-credentials", "optional": True}} in container["envFrom"]


def test_kubernetes_master_and_workers_agree_on_the_worker_count_and_address(tmp_path):
    containers = _containers()
    master, rest = master_from(_args(containers["edgeload-master"], tmp_path))
    assert master is not None
    load(rest)  # the master's options parse (raises SettingsError otherwise)
    worker_args = containers["edgeload-workers"]["args"]
    workers_job = next(r for _, r in _resources() if r["metadata"]["name"] == "edgeload-workers")
    per_pod = int(worker_args[worker_args.index("--workers") + 1])
    assert master.expect_workers == per_pod * workers_job["spec"]["parallelism"]
    host, port = parse_master_address(worker_args[worker_args.index("--master") + 1])
    assert (host, port) == ("edgeload-master", master.bind_port)


def test_kubernetes_configmap_holds_settings_both_commands_accept(tmp_path):
    settings = load(["--config", str(_config(tmp_path, "edgeload.toml"))])
    emulator_config = _config(tmp_path, "emulator.toml")
    datastreams = {d["id"] for d in tomllib.loads(emulator_config.read_text())["datastreams"]}
    assert settings.options["datastream_id"] in datastreams
    emulator_args = _args(_containers()["edgeload-emulator"], tmp_path)
    assert settings_from(emulator_args).datastreams.keys() == datastreams
    assert workers_from(emulator_args) == 2


def test_containerfile_copies_every_package_of_the_wheel():
    text = (ROOT / "deploy" / "Containerfile").read_text()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
    copied = set(re.findall(r"^COPY (\w+) ", text, re.MULTILINE))
    assert set(packages) <= copied
    assert 'ENTRYPOINT ["edgeload"]' in text  # one image, the role chosen by the first argument
