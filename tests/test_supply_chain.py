"""The supply chain (issue 13, item 9; docs/operations.md, "Dependencies"): every dependency in pyproject.toml is pinned
with its sha256 in requirements/lock.txt, at a version pyproject allows; the Docker image's runtime lock is the same
versions without the dev tools; `make` and the Dockerfile install from the locks with --require-hashes; `make lint`
runs bandit. A dependency added to pyproject.toml without `make lock` fails here."""

import os
import re
import shutil
import subprocess
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LOCK = ROOT / "requirements" / "lock.txt"
RUNTIME_LOCK = ROOT / "requirements" / "runtime.txt"
DEV_ONLY = {"pytest", "pytest-django", "playwright", "ruff", "bandit", "pip-tools", "factory-boy", "import-linter"}


def pins(lock: Path) -> dict[str, tuple[str, list[str]]]:
    """name -> (version, sha256 hashes) of a pip-compile --generate-hashes file."""
    text = lock.read_text(encoding="utf-8").replace("\\\n", " ")
    found = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement, *options = line.split()
        assert "==" in requirement, f"{lock.name}: {requirement} is not pinned to one version"
        name, version = requirement.split(";", 1)[0].split("==")
        hashes = [option.removeprefix("--hash=sha256:") for option in options if option.startswith("--hash=sha256:")]
        found[canonicalize_name(re.sub(r"\[.*\]", "", name))] = (version, hashes)
    return found


def declared(*, dev: bool) -> list[Requirement]:
    project = PYPROJECT["project"]
    requirements = project["dependencies"] + (project["optional-dependencies"]["dev"] if dev else [])
    return [Requirement(text) for text in requirements]


@pytest.mark.parametrize(("lock", "dev"), [(LOCK, True), (RUNTIME_LOCK, False)], ids=["lock", "runtime"])
def test_every_dependency_of_pyproject_is_pinned_with_hashes_at_an_allowed_version(lock, dev):
    locked = pins(lock)
    for requirement in declared(dev=dev):
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{requirement.name} is in pyproject.toml but not in {lock.name}: run `make lock`"
        version, _hashes = locked[name]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{lock.name} pins {requirement.name}=={version}, outside pyproject's {requirement.specifier}:"
            " run `make lock`"
        )
        # An extra's packages (psycopg[binary] -> psycopg-binary) are pinned too.
        for extra in requirement.extras:
            for needed in metadata.requires(requirement.name) or []:
                needed = Requirement(needed)
                if needed.marker is not None and needed.marker.evaluate({"extra": extra}):
                    assert canonicalize_name(needed.name) in locked, f"{requirement.name}[{extra}] needs {needed.name}"


@pytest.mark.parametrize("lock", [LOCK, RUNTIME_LOCK], ids=["lock", "runtime"])
def test_every_locked_package_has_a_sha256_and_the_lock_names_no_local_index(lock):
    for name, (_version, hashes) in pins(lock).items():
        assert hashes, f"{lock.name}: {name} has no --hash"
        assert all(re.fullmatch(r"[0-9a-f]{64}", digest) for digest in hashes), name
    text = lock.read_text(encoding="utf-8")
    # The lock is read on other machines (CI, the image build): no index or wheel directory of this one.
    assert not re.search(r"^\s*--(extra-)?index-url|^\s*--find-links|file://", text, re.MULTILINE)


def test_the_runtime_lock_is_the_full_lock_without_the_dev_tools():
    full, runtime = pins(LOCK), pins(RUNTIME_LOCK)
    for name, (version, hashes) in runtime.items():
        assert name in full, f"{name} is in runtime.txt but not in lock.txt"
        assert full[name] == (version, hashes), f"{name}: runtime.txt and lock.txt disagree"
    assert not DEV_ONLY & set(runtime), "a dev tool is in the image's lock"


def test_the_locks_match_this_environment():
    """What the tests run on is what the lock pins (`make` installs from it)."""
    stale = {}
    for name, (version, _hashes) in pins(LOCK).items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            stale[name] = (version, installed)
    assert not stale, f"locked vs installed: {stale}; run `make` (or `make lock` after editing pyproject.toml)"


def test_make_and_the_image_install_only_from_the_locks_with_hashes():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    stamp_rule = re.search(r"^\$\(STAMP\):(.*)\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert stamp_rule, "no $(STAMP) rule in the Makefile"
    prerequisites, recipe = stamp_rule.groups()
    assert "$(LOCK)" in prerequisites
    assert "--require-hashes -r $(LOCK)" in recipe
    installs = [line for line in recipe.splitlines() if "pip install" in line]
    assert all("--require-hashes" in line or "--no-deps" in line for line in installs), installs
    assert re.search(r"^LOCK := requirements/lock\.txt$", makefile, re.MULTILINE)

    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    installs = [line for line in dockerfile.splitlines() if "pip install" in line]
    assert installs == ["RUN pip install --no-cache-dir --require-hashes -r requirements/runtime.txt"]


def test_make_lint_runs_bandit_with_the_projects_configuration():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    lint = re.search(r"^lint:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE).group(1)
    assert "bandit --quiet -c pyproject.toml -r $(BANDIT_TARGETS)" in lint
    targets = re.search(r"^BANDIT_TARGETS := (.*)$", makefile, re.MULTILINE).group(1).split()
    apps = set(PYPROJECT["tool"]["importlinter"]["root_packages"])
    assert apps <= set(targets), f"bandit does not scan {apps - set(targets)}"
    assert {"tests", "migrations"} <= set(PYPROJECT["tool"]["bandit"]["exclude_dirs"])


# --- make audit-deps: never a clean result that checked nothing ----------------------------------------------------

UNREACHABLE = (
    "ERROR:pip_audit._cli:amqp: Dependency not found on PyPI and could not be audited: amqp (5.4.2)",
    1,
)
FOUND = (
    "Name   Version ID             Fix Versions\ndjango 5.2.0   PYSEC-2025-1   5.2.1\nFound 1 known vulnerability",
    1,
)
CLEAN = ("No known vulnerabilities found", 0)


@pytest.mark.parametrize(
    ("answer", "exit_code", "says"),
    [
        (UNREACHABLE, 3, "NO RESULT"),
        (("requests.exceptions.ConnectionError: NameResolutionError api.osv.dev", 1), 3, "not a clean audit"),
        (FOUND, 1, "found known vulnerabilities"),
        (CLEAN, 0, "no known vulnerabilities"),
    ],
    ids=["unreachable", "no-dns", "vulnerable", "clean"],
)
def test_audit_deps_tells_an_unreachable_advisory_database_from_a_clean_audit(tmp_path, answer, exit_code, says):
    output, status = answer
    stand_in = tmp_path / "pip-audit"
    stand_in.write_text(f"#!/bin/sh\necho \"$@\" > {tmp_path}/args\ncat <<'OUT'\n{output}\nOUT\nexit {status}\n")
    stand_in.chmod(0o755)
    result = subprocess.run(
        [shutil.which("bash"), "scripts/audit-deps.sh", "requirements/lock.txt"],
        cwd=ROOT,
        env={**os.environ, "PIP_AUDIT": str(stand_in)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == exit_code, result.stdout + result.stderr
    assert says in result.stdout + result.stderr
    # --strict: a package that cannot be looked up fails the audit instead of being skipped in silence.
    assert "--strict" in (tmp_path / "args").read_text()
