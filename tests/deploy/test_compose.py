"""The compose topology and the image, checked without Docker (it cannot run here).

Every service runs a command the tests exercise natively; every `DESK_*` variable it sets is a
setting the desk reads; the parts depend on each other's health, not on start order.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel
from typer.testing import CliRunner

from desk.cli import app
from desk.settings import Settings

ROOT = Path(__file__).parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
SERVICES = COMPOSE["services"]


def test_the_topology_has_every_part():
    assert set(SERVICES) >= {"desk", "chroma", "postgres", "ingest", "proxy", "ollama"}
    assert SERVICES["desk"]["deploy"]["replicas"] >= 2
    assert SERVICES["ollama"]["profiles"] == ["llm"]
    assert SERVICES["ingest"]["restart"] == "no"


def test_services_wait_for_the_health_of_what_they_need():
    desk = SERVICES["desk"]["depends_on"]
    assert desk["postgres"]["condition"] == "service_healthy"
    assert desk["chroma"]["condition"] == "service_healthy"
    assert desk["ingest"]["condition"] == "service_completed_successfully"
    assert SERVICES["ingest"]["depends_on"]["chroma"]["condition"] == "service_healthy"
    for name in ("postgres", "chroma", "proxy", "ollama"):
        assert "healthcheck" in SERVICES[name], name
    assert "HEALTHCHECK" in DOCKERFILE and "/-/ready" in DOCKERFILE  # the desk's own, in its image


def test_state_lives_in_named_volumes():
    volumes = set(COMPOSE["volumes"])
    mounted = {v.split(":")[0] for s in SERVICES.values() for v in s.get("volumes", [])}
    assert {"postgres-data", "chroma-data", "desk-data"} <= volumes & mounted


def _desk_commands() -> list[list[str]]:
    commands = [s["command"] for s in SERVICES.values() if s.get("command", [None])[0] == "desk"]
    commands.append(
        re.search(r"^CMD (\[.*\])$", DOCKERFILE, re.M).group(1).strip("[]").replace('"', "").split(", ")
    )
    return commands


@pytest.mark.parametrize("command", _desk_commands(), ids=lambda c: " ".join(c))
def test_every_desk_command_is_one_the_cli_accepts(command):
    # Click parses every option before it honours --help: an unknown option fails here.
    result = CliRunner().invoke(app, [*command[1:], "--help"])
    assert result.exit_code == 0, result.output


def test_the_chroma_command_is_the_one_the_tests_run():
    command = SERVICES["chroma"]["command"]
    assert command[:2] == ["chroma", "run"]
    options = {part for part in command if part.startswith("--")}
    help_text = subprocess.run(
        [str(Path(sys.executable).parent / "chroma"), "run", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert all(option in help_text for option in options)
    conftest = (ROOT / "tests" / "conftest.py").read_text(encoding="utf-8")
    assert all(f'"{option}"' in conftest for option in options)  # the `chroma_server` fixture's


def _setting_exists(variable: str) -> bool:
    model: type[BaseModel] = Settings
    parts = variable.removeprefix("DESK_").lower().split("__")
    for position, part in enumerate(parts):
        field = model.model_fields.get(part)
        if field is None:
            return False
        if position < len(parts) - 1:
            model = field.annotation
    return True


def test_every_desk_variable_is_a_setting():
    variables = {
        name
        for service in SERVICES.values()
        for name in (service.get("environment") or {})
        if name.startswith("DESK_")
    } | set(re.findall(r"\b(DESK_[A-Z_]+)=", DOCKERFILE))
    assert variables
    unknown = sorted(v for v in variables if not _setting_exists(v))
    assert unknown == []


def test_the_image_installs_the_cpu_torch_the_project_pins_and_runs_as_a_user():
    pin = re.search(r'"torch==([\d.]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8")).group(1)
    assert f"torch=={pin}" in DOCKERFILE and "download.pytorch.org/whl/cpu" in DOCKERFILE
    assert "-c requirements/constraints.txt" in DOCKERFILE
    user = re.findall(r"^USER (\S+)", DOCKERFILE, re.M)
    assert user and user[-1] not in {"root", "0"}


def test_the_proxy_sends_to_the_port_the_replicas_listen_on():
    nginx = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    port = SERVICES["desk"]["command"][SERVICES["desk"]["command"].index("--port") + 1]
    assert f"server desk:{port};" in nginx
    assert "proxy_buffering off" in nginx  # server-sent events stream through
