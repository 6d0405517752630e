"""Build the edgeload image from deploy/Containerfile with buildah alone: no daemon, vfs storage, chroot isolation
(docs/distributed.md#deploying). `make image` runs it; tests/deploy/test_image.py smoke-tests
what it builds.

When the Containerfile's base (docker.io/library/python:3.11-slim-bookworm) cannot be pulled, the image is built on
a stand-in: the same Debian release debootstrapped with its own Python 3.11, committed as a local image and put in
place of the FROM image with `buildah build --from`. The Containerfile is the one users build with podman or docker.
Either way, pip in the build installs from a wheel folder this machine's pip prepared, mounted for the build only, so
the build needs no package index of its own and the image gets the versions the checkout pins.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONTAINERFILE = ROOT / "deploy" / "Containerfile"
WORK = ROOT / "build" / "image"  # git-ignored: storage, the wheel folder, logs
DEBIAN_MIRROR = "http://deb.debian.org/debian"
# The official slim image's runtime packages besides Python (its Dockerfile installs ca-certificates, netbase and
# tzdata: https://github.com/docker-library/python/blob/master/3.11/slim-bookworm/Dockerfile); python3-venv brings
# ensurepip, from which the stand-in gets pip.
STAND_IN_PACKAGES = ("python3", "python3-venv", "ca-certificates", "netbase", "tzdata")
# The stand-in's Python is a virtual environment at /usr/local: the official image's paths (/usr/local/bin/python,
# pip, site-packages under /usr/local/lib) with Debian's interpreter, and pip free to install there (Debian's own
# Python refuses, PEP 668: https://peps.python.org/pep-0668/). Changing these lines changes the cache key.
STAND_IN_SETUP = (
    "python3 -m venv /usr/local && rm -f /usr/local/bin/activate* /usr/local/bin/Activate.ps1"
    " && apt-get clean && rm -rf /var/lib/apt/lists/*"
)
BASE_NAME = re.compile(r"(?:[\w.-]+/)*python:(?P<python>\d+\.\d+)(?:\.\d+)?-slim-(?P<suite>[a-z]+)")
# pip reads a site-wide configuration from here (https://pip.pypa.io/en/stable/topics/configuration/); mounted
# read-only for the build's RUN steps, it is not part of the image (buildah leaves the empty mount point).
PIP_MOUNT = "/etc/xdg/pip"
PULL_TIMEOUT = 120.0


class BuildError(Exception):
    """A build step failed; the message is one line naming the problem and where to look."""


@dataclass(frozen=True)
class Buildah:
    """buildah on a private store under `work`: vfs (no overlay mounts needed) beside the checkout's other output."""

    work: Path = WORK

    def command(self, *args: str) -> list[str]:
        return ["buildah", "--root", str(self.work / "storage"), "--runroot", str(self.work / "run"),
                "--storage-driver", "vfs", *args]

    def run(self, *args: str, timeout: float = 600.0, log: Path | None = None) -> str:
        """Run buildah; its stdout, stripped. A failure raises BuildError with buildah's last line (or the log's)."""
        if log is None:
            done = subprocess.run(self.command(*args), capture_output=True, text=True, timeout=timeout, check=False)
            if done.returncode != 0:
                raise BuildError(f"buildah {args[0]} failed: {last_line(done.stderr)}")
            return done.stdout.strip()
        with log.open("w", encoding="utf-8") as sink:
            code = subprocess.run(self.command(*args), stdout=sink, stderr=subprocess.STDOUT, timeout=timeout,
                                  check=False).returncode
        if code != 0:
            raise BuildError(f"buildah {args[0]} failed: {last_line(log.read_text(encoding='utf-8'))} (log: {log})")
        return ""

    def has_image(self, name: str) -> bool:
        return subprocess.run(self.command("inspect", "--type", "image", name), capture_output=True,
                              check=False).returncode == 0


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


def base_image(containerfile: Path = CONTAINERFILE) -> str:
    """The image the Containerfile's first FROM names."""
    for line in containerfile.read_text(encoding="utf-8").splitlines():
        if line.strip().upper().startswith("FROM "):
            return line.split()[1]
    raise BuildError(f"{containerfile} has no FROM line")


def version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


def stand_in_name(base: str) -> str:
    """The local stand-in's name: the base's name and tag plus a hash of the recipe, so a changed recipe rebuilds."""
    recipe = "\n".join((base, DEBIAN_MIRROR, *STAND_IN_PACKAGES, STAND_IN_SETUP))
    key = hashlib.sha256(recipe.encode()).hexdigest()[:8]
    return f"localhost/edgeload-stand-in/{base.rsplit('/', 1)[-1]}-{key}"


def build_stand_in(buildah: Buildah, base: str) -> str:
    """Debootstrap the base's Debian release into a scratch container and commit it; reuses one already built."""
    match = BASE_NAME.fullmatch(base)
    if match is None:
        raise BuildError(f"no stand-in for {base}: only python:X.Y-slim-<debian release> bases have one; "
                         "use --base official on a machine that can pull it")
    name = stand_in_name(base)
    if buildah.has_image(name):
        return name
    if shutil.which("debootstrap") is None:
        raise BuildError("debootstrap is not installed: apt-get install -y debootstrap (make image does)")
    container = buildah.run("from", "scratch")
    try:
        rootfs = buildah.run("mount", container)
        log = WORK / "debootstrap.log"
        with log.open("w", encoding="utf-8") as sink:
            code = subprocess.run(["debootstrap", "--variant=minbase", f"--include={','.join(STAND_IN_PACKAGES)}",
                                   match["suite"], rootfs, DEBIAN_MIRROR], stdout=sink, stderr=subprocess.STDOUT,
                                  timeout=1800, check=False).returncode
        if code != 0:
            raise BuildError(f"debootstrap {match['suite']} failed: {last_line(log.read_text(encoding='utf-8'))} "
                             f"(log: {log})")
        found = buildah.run("run", "--isolation", "chroot", container, "--", "python3", "-c",
                            "import sys; print('%d.%d' % sys.version_info[:2])")
        if found != match["python"]:
            raise BuildError(f"Debian {match['suite']}'s python3 is {found}, {base} has {match['python']}: "
                             "no stand-in; use --base official")
        buildah.run("run", "--isolation", "chroot", container, "--", "sh", "-c", STAND_IN_SETUP)
        buildah.run("config", "--env", "LANG=C.UTF-8",
                    "--env", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "--cmd", "python3",
                    "--label", f"org.opencontainers.image.description=stand-in for {base} (Debian {match['suite']} "
                    "minbase and its python3; docs/distributed.md#deploying)", container)
        buildah.run("commit", "--quiet", container, name)
    finally:
        subprocess.run(buildah.command("rm", container), capture_output=True, check=False)
    return name


def pull_official(buildah: Buildah, base: str) -> str | None:
    """None when the base is in the store or pulled now; else buildah's one-line reason."""
    if buildah.has_image(base):
        return None
    try:
        buildah.run("pull", "--quiet", base, timeout=PULL_TIMEOUT)
    except BuildError as failed:
        return str(failed)
    except subprocess.TimeoutExpired:
        return f"no answer within {PULL_TIMEOUT:.0f} s"
    return None


def wheel_folder() -> Path:
    """Wheels of edgeload's dependencies and build backend, made by this machine's pip (its index, proxy and cache
    settings apply), and the pip.conf that points the build's pip at them and nowhere else."""
    folder = WORK / "pip"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "wheels").mkdir(parents=True)
    with (ROOT / "pyproject.toml").open("rb") as handle:
        backend = tomllib.load(handle)["build-system"]["requires"]
    log = WORK / "pip-wheel.log"
    with log.open("w", encoding="utf-8") as sink:
        code = subprocess.run([sys.executable, "-m", "pip", "wheel", "--wheel-dir", str(folder / "wheels"),
                               str(ROOT), *backend], stdout=sink, stderr=subprocess.STDOUT, timeout=1800,
                              check=False).returncode
    if code != 0:
        raise BuildError(f"pip wheel failed: {last_line(log.read_text(encoding='utf-8'))} (log: {log})")
    for own in (folder / "wheels").glob("edgeload-*.whl"):
        own.unlink()  # the build installs edgeload from the copied sources, as `pip install .` does anywhere
    (folder / "pip.conf").write_text(f"[global]\nno-index = true\nfind-links = {PIP_MOUNT}/wheels\n", encoding="utf-8")
    return folder


def build(buildah: Buildah, tag: str, base_choice: str) -> str:
    """Build the image as `tag`; returns a one-line account of what was built on which base."""
    WORK.mkdir(parents=True, exist_ok=True)
    base = base_image()
    replace: list[str] = []
    on = f"the official base {base}"
    if base_choice != "stand-in":
        why = pull_official(buildah, base)
        if why is not None and base_choice == "official":
            raise BuildError(f"cannot pull {base}: {why}")
        if why is not None:
            print(f"build_image: {base} cannot be pulled ({why}); building on a stand-in", flush=True)
            base_choice = "stand-in"
    if base_choice == "stand-in":
        stand_in = build_stand_in(buildah, base)
        replace = ["--from", stand_in]
        on = f"the stand-in {stand_in}"
    pip = wheel_folder()
    buildah.run("build", "--isolation", "chroot", "--pull=never", *replace, "--volume", f"{pip}:{PIP_MOUNT}:ro",
                "--file", str(CONTAINERFILE), "--tag", tag, str(ROOT), timeout=3600, log=WORK / "build.log")
    # The image this tag named before is now untagged: vfs keeps each image whole (about 500 MB), so drop it.
    buildah.run("rmi", "--prune")
    return f"built {tag} on {on}"


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="build_image.py", description="Build deploy/Containerfile with buildah (vfs storage under build/image, "
        "chroot isolation), on a debootstrapped stand-in when the official base cannot be pulled.")
    parser.add_argument("--tag", default=f"localhost/edgeload:{version()}",
                        help="the image's name (default: %(default)s)")
    parser.add_argument("--base", choices=("auto", "official", "stand-in"), default="auto",
                        help="auto (default): the official base if it can be pulled, else the stand-in")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    options = parse(argv)
    if shutil.which("buildah") is None:
        print("build_image: buildah is not installed: apt-get install -y buildah debootstrap (make image does)",
              file=sys.stderr)
        return 2
    started = time.monotonic()
    try:
        account = build(Buildah(), options.tag, options.base)
    except (BuildError, subprocess.TimeoutExpired) as failed:
        print(f"build_image: {failed}", file=sys.stderr)
        return 2
    print(f"build_image: {account} in {time.monotonic() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
