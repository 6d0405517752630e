"""deploy/build_image.py's own decisions, without buildah: which base it replaces, what the stand-in is called, and
the one-line errors (the build itself is tests/deploy/test_image.py, slow)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.deploy.test_image import BUILD, SCRIPT


def test_build_image_base_is_the_containerfiles_first_from():
    assert BUILD.base_image() == "docker.io/library/python:3.11-slim-bookworm"


def test_build_image_stand_in_name_carries_the_base_and_a_recipe_hash():
    name = BUILD.stand_in_name("docker.io/library/python:3.11-slim-bookworm")
    assert name.startswith("localhost/edgeload-stand-in/python:3.11-slim-bookworm-")
    assert len(name.rsplit("-", 1)[1]) == 8
    assert name != BUILD.stand_in_name("docker.io/library/python:3.11-slim-trixie")


@pytest.mark.parametrize(("base", "python", "suite"), [
    pytest.param("docker.io/library/python:3.11-slim-bookworm", "3.11", "bookworm", id="official"),
    pytest.param("python:3.12.8-slim-trixie", "3.12", "trixie", id="short-with-patch"),
])
def test_build_image_reads_the_python_and_debian_release_from_the_base(base, python, suite):
    match = BUILD.BASE_NAME.fullmatch(base)
    assert (match["python"], match["suite"]) == (python, suite)


def test_build_image_has_no_stand_in_for_another_kind_of_base(tmp_path):
    with pytest.raises(BUILD.BuildError, match=r"^no stand-in for docker.io/library/alpine:3.20: .* --base official"):
        BUILD.build_stand_in(BUILD.Buildah(tmp_path), "docker.io/library/alpine:3.20")


def test_build_image_without_buildah_fails_in_one_line():
    done = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=60, check=False,
                          env={**os.environ, "PATH": "/nonexistent"})
    assert done.returncode == 2
    assert done.stderr.splitlines() == ["build_image: buildah is not installed: apt-get install -y buildah debootstrap "
                                        "(make image does)"]
