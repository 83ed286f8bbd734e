"""docker-compose.yml, .env.example and the Dockerfile, checked with a real tool.

Debian's `docker-compose` 1.29 (installed by scripts/test.sh) runs `docker-compose config` without a Docker
engine: it validates the file against the Compose schema and interpolates the variables. The checks below
read its output. Without the binary the tests skip locally and fail in CI.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel

from interviewer.config import Settings
from tests.ci import skip_or_fail

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
ENV_EXAMPLE = REPO_ROOT / ".env.example"
DOCKERFILE = REPO_ROOT / "Dockerfile"
DOCKERIGNORE = REPO_ROOT / ".dockerignore"

# Sentinels: if one shows up in the parsed config, it came from the env file, not from docker-compose.yml.
SECRETS = {
    "VLLM_API_KEY": "sentinel-vllm-api-key-3f9c",
    "POSTGRES_PASSWORD": "sentinel-postgres-password-7a1e",
    "HF_TOKEN": "sentinel-hf-token-51bd",
}
SECRET_NAME = re.compile(r"(KEY|TOKEN|PASSWORD|SECRET)$")
# `${NAME}`, `${NAME:?message}` or `${NAME:-}` (an empty default only): the value comes from the environment.
ENV_REFERENCE = re.compile(r"^\$\{(?P<name>[A-Z_][A-Z0-9_]*)(?::\?[^}]*|:-)?\}$")
COMPOSE_VARIABLE = re.compile(r"(?<!\$)\$\{?([A-Z_][A-Z0-9_]*)")
ENV_EXAMPLE_LINE = re.compile(r"^#?\s*([A-Z_][A-Z0-9_]*)=", re.MULTILINE)


def compose_binary() -> str:
    """The docker-compose executable; a missing one fails in CI (env CI set) and skips elsewhere."""
    found = shutil.which("docker-compose")
    if found:
        return found
    message = "docker-compose not installed (Debian package docker-compose; scripts/test.sh installs it)"
    skip_or_fail(message)


def env_file_with_secrets(**extra: str) -> str:
    """.env.example as a user would fill it in: the required key set, optional secrets uncommented."""
    text, replaced = re.subn(
        r"^VLLM_API_KEY=.*$", f"VLLM_API_KEY={SECRETS['VLLM_API_KEY']}", ENV_EXAMPLE.read_text(), flags=re.M
    )
    assert replaced == 1, ".env.example must have one uncommented VLLM_API_KEY= line"
    values = {name: value for name, value in SECRETS.items() if name != "VLLM_API_KEY"} | extra
    return text + "".join(f"{name}={value}\n" for name, value in values.items())


def run_compose(tmp_dir: Path, env_text: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`docker-compose config` with only PATH and the given env file: nothing leaks in from the host."""
    env_file = tmp_dir / "test.env"
    env_file.write_text(env_text)
    command = [compose_binary(), "-f", str(COMPOSE_FILE), "--project-directory", str(REPO_ROOT)]
    command += ["--env-file", str(env_file), *args, "config"]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_dir)}
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60, check=False)


def parse_config(tmp_dir: Path, env_text: str) -> dict:
    result = run_compose(tmp_dir, env_text)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The interpolated config docker-compose prints for a filled-in .env.example."""
    return parse_config(tmp_path_factory.mktemp("compose"), env_file_with_secrets())


@pytest.fixture(scope="module")
def raw() -> dict:
    """docker-compose.yml as written, before interpolation."""
    return yaml.safe_load(COMPOSE_FILE.read_text())


def flag_value(command: list[str], flag: str) -> str:
    assert flag in command, f"{flag} missing from the vllm command"
    return command[command.index(flag) + 1]


def settings_env_names(model: type[BaseModel] = Settings, prefix: str = "INTERVIEWER_") -> set[str]:
    """Env names of every Settings field, nested models expanded with `__`."""
    names: set[str] = set()
    for field_name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names |= settings_env_names(annotation, f"{prefix}{field_name.upper()}__")
        else:
            names.add(f"{prefix}{field_name.upper()}")
    return names


def source_env_names() -> set[str]:
    """INTERVIEWER_* names the app reads directly (e.g. INTERVIEWER_DATA_DIR in locations.py)."""
    found: set[str] = set()
    for path in (REPO_ROOT / "interviewer").rglob("*.py"):
        found |= set(re.findall(r"[\"'](INTERVIEWER_[A-Z0-9_]*[A-Z0-9])[\"']", path.read_text()))
    return found


def env_example_names() -> set[str]:
    return set(ENV_EXAMPLE_LINE.findall(ENV_EXAMPLE.read_text()))


# --- the parsed config ---


def test_services_and_profiles(config):
    services = config["services"]
    assert set(services) == {"vllm", "app", "postgres"}
    assert services["postgres"]["profiles"] == ["postgres"]
    assert "profiles" not in services["vllm"] and "profiles" not in services["app"]


def test_vllm_reserves_one_nvidia_gpu_and_host_ipc(config):
    vllm = config["services"]["vllm"]
    devices = vllm["deploy"]["resources"]["reservations"]["devices"]
    assert devices == [{"driver": "nvidia", "count": 1, "capabilities": ["gpu"]}]
    assert vllm["ipc"] == "host"


def test_images_are_pinned(config):
    assert re.fullmatch(r"vllm/vllm-openai:v\d+\.\d+\.\d+", config["services"]["vllm"]["image"])
    for name, service in config["services"].items():
        if "image" in service and "build" not in service:
            repository, _, tag = service["image"].rpartition(":")
            assert repository and tag and tag != "latest", f"{name}: pin a concrete tag"


def test_vllm_command_defaults(config):
    command = config["services"]["vllm"]["command"]
    assert command[0] == "Qwen/Qwen3-8B"
    assert flag_value(command, "--served-model-name") == "interviewer"
    assert "--enable-prefix-caching" in command
    assert json.loads(flag_value(command, "--default-chat-template-kwargs")) == {"enable_thinking": False}
    assert 2048 <= int(flag_value(command, "--max-model-len")) <= 32768
    assert 0 < float(flag_value(command, "--gpu-memory-utilization")) <= 1
    assert flag_value(command, "--api-key") == SECRETS["VLLM_API_KEY"]
    assert config["services"]["vllm"]["environment"]["HF_TOKEN"] == SECRETS["HF_TOKEN"]


def test_vllm_settings_follow_the_env_file(tmp_path):
    overrides = {
        "VLLM_MODEL": "Qwen/Qwen3-14B-AWQ",
        "VLLM_SERVED_MODEL_NAME": "coach",
        "VLLM_MAX_MODEL_LEN": "4096",
        "VLLM_GPU_MEMORY_UTILIZATION": "0.8",
        "VLLM_PORT": "18000",
    }
    services = parse_config(tmp_path, env_file_with_secrets(**overrides))["services"]
    command = services["vllm"]["command"]
    assert command[0] == "Qwen/Qwen3-14B-AWQ"
    assert flag_value(command, "--served-model-name") == "coach"
    assert flag_value(command, "--max-model-len") == "4096"
    assert flag_value(command, "--gpu-memory-utilization") == "0.8"
    assert services["vllm"]["ports"] == ["127.0.0.1:18000:8000/tcp"]
    assert services["app"]["environment"]["INTERVIEWER_LLM__MODEL"] == "coach"


def test_missing_api_key_stops_compose_with_a_clear_message(tmp_path):
    env_text = re.sub(r"^VLLM_API_KEY=.*$", "VLLM_API_KEY=", ENV_EXAMPLE.read_text(), flags=re.M)
    result = run_compose(tmp_path, env_text)
    assert result.returncode != 0
    assert "set VLLM_API_KEY" in result.stderr


def test_healthchecks(config):
    vllm_check = " ".join(config["services"]["vllm"]["healthcheck"]["test"])
    assert "http://127.0.0.1:8000/health" in vllm_check
    assert "pg_isready" in " ".join(config["services"]["postgres"]["healthcheck"]["test"])


def test_every_published_port_is_loopback_only(config):
    published = [port for service in config["services"].values() for port in service.get("ports", [])]
    assert published, "vllm must publish its port on the host loopback"
    for port in published:
        assert str(port).startswith("127.0.0.1:"), f"{port} is reachable from the network"


def test_app_waits_for_vllm_and_talks_to_it(config):
    app = config["services"]["app"]
    assert app["stdin_open"] is True and app["tty"] is True
    assert app["depends_on"] == {"vllm": {"condition": "service_healthy"}}
    env = app["environment"]
    assert env["INTERVIEWER_LLM__BASE_URL"] == "http://vllm:8000/v1"
    assert env["INTERVIEWER_LLM__API_KEY"] == SECRETS["VLLM_API_KEY"]
    served = flag_value(config["services"]["vllm"]["command"], "--served-model-name")
    assert env["INTERVIEWER_LLM__MODEL"] == served
    assert any(volume.endswith(":/data:rw") for volume in app["volumes"])


def test_app_receives_every_setting(config):
    """Each setting in .env reaches the app container (explicitly or passed through)."""
    missing = settings_env_names() - set(config["services"]["app"]["environment"])
    assert not missing, f"add to services.app.environment: {sorted(missing)}"


def test_postgres_takes_credentials_from_env_and_keeps_data(config):
    postgres = config["services"]["postgres"]
    assert postgres["environment"]["POSTGRES_PASSWORD"] == SECRETS["POSTGRES_PASSWORD"]
    assert "postgres-data:/var/lib/postgresql/data:rw" in postgres["volumes"]
    assert "postgres-data" in config["volumes"]


def test_database_url_reaches_the_app(tmp_path):
    url = "postgresql+psycopg://interviewer:pw@postgres:5432/interviewer"
    env_text = env_file_with_secrets(INTERVIEWER_DATABASE_URL=url)
    app_env = parse_config(tmp_path, env_text)["services"]["app"]["environment"]
    assert app_env["INTERVIEWER_DATABASE_URL"] == url


# --- secrets and variables, on the files as written ---


def test_no_secret_literals_in_compose_file(raw):
    for name, service in raw["services"].items():
        for key, value in (service.get("environment") or {}).items():
            if SECRET_NAME.search(key) and value is not None:
                assert ENV_REFERENCE.match(str(value)), f"{name}.{key} must come from ${{VAR}}"
        command = service.get("command") or []
        if "--api-key" in command:
            assert ENV_REFERENCE.match(flag_value(command, "--api-key")), f"{name}: --api-key from ${{VAR}}"
    text = COMPOSE_FILE.read_text()
    for pattern in (r"hf_[A-Za-z0-9]{20,}", r"sk-[A-Za-z0-9]{16,}", r"(?i)password\s*[:=]\s*\w{6,}"):
        assert not re.search(pattern, text), f"literal secret matching {pattern}"


def test_env_example_leaves_secrets_empty():
    for match in re.finditer(r"^#?\s*([A-Z_][A-Z0-9_]*)=(.*)$", ENV_EXAMPLE.read_text(), flags=re.M):
        name, value = match.groups()
        if SECRET_NAME.search(name):
            assert value.strip() == "", f".env.example must not carry a value for {name}"


def test_env_example_lists_every_compose_variable(raw):
    referenced = set(COMPOSE_VARIABLE.findall(COMPOSE_FILE.read_text()))
    passed_through = {key for key, value in (raw["services"]["app"]["environment"]).items() if value is None}
    missing = (referenced | passed_through) - env_example_names()
    assert referenced >= {"VLLM_API_KEY", "VLLM_MODEL", "HF_TOKEN", "POSTGRES_PASSWORD"}
    assert not missing, f"add to .env.example: {sorted(missing)}"


def test_env_example_lists_every_app_setting():
    expected = settings_env_names() | source_env_names()
    assert "INTERVIEWER_LLM__BASE_URL" in expected and "INTERVIEWER_DATA_DIR" in expected
    missing = expected - env_example_names()
    assert not missing, f"add to .env.example: {sorted(missing)}"


# --- the Dockerfile ---


def dockerfile_stages() -> dict[str, list[str]]:
    """Stage name -> its instruction lines (continuations joined)."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    stages: dict[str, list[str]] = {}
    current: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        stage = re.match(r"FROM\s+\S+\s+AS\s+(\S+)", line, re.IGNORECASE)
        if stage:
            current = stages.setdefault(stage.group(1), [])
        current.append(line)
    return stages


def test_dockerfile_has_the_targets_compose_and_docs_use(config):
    stages = dockerfile_stages()
    assert config["services"]["app"]["build"]["target"] in stages
    assert any("ENTRYPOINT" in line and "interviewer" in line for line in stages["runtime"])
    assert any(line.startswith("RUN") and "scripts/test.sh" in line for line in stages["test"])


def test_dockerfile_copies_only_files_in_the_build_context():
    ignored = {line.strip() for line in DOCKERIGNORE.read_text().splitlines()}
    assert {".venv", ".venv-vllm", ".env", ".git"} <= ignored
    for lines in dockerfile_stages().values():
        for line in lines:
            if not line.startswith("COPY") or "--from=" in line:
                continue
            sources = line.split()[1:-1]
            for source in sources:
                assert source == "." or (REPO_ROOT / source).exists(), f"COPY {source}: not in the repo"
                assert source not in ignored, f"COPY {source}: excluded by .dockerignore"


# --- vLLM accepts the command line ---

VLLM_PARSE = """
import json, sys
from vllm.entrypoints.launchers.cli_args import make_arg_parser
from vllm.utils.argparse_utils import FlexibleArgumentParser
args = make_arg_parser(FlexibleArgumentParser()).parse_args(json.loads(sys.argv[1]))
print(json.dumps({"model": args.model_tag, "prefix": args.enable_prefix_caching,
                  "kwargs": args.default_chat_template_kwargs, "len": args.max_model_len}))
"""


@pytest.mark.vllm
def test_vllm_serve_accepts_the_compose_command(config, tmp_path):
    """`vllm serve` of the release the image is pinned to rejects unknown or malformed flags."""
    python = os.environ.get("INTERVIEWER_TEST_VLLM_PYTHON")
    if not python:
        skip_or_fail("INTERVIEWER_TEST_VLLM_PYTHON is not set (scripts/test.sh sets it)")
    command = config["services"]["vllm"]["command"]
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "HF_HUB_OFFLINE": "1"}
    env["VLLM_NO_USAGE_STATS"] = "1"
    result = subprocess.run(
        [python, "-c", VLLM_PARSE, json.dumps(command)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    parsed = json.loads(result.stdout.strip().splitlines()[-1])
    assert parsed == {
        "model": "Qwen/Qwen3-8B",
        "prefix": True,
        "kwargs": {"enable_thinking": False},
        "len": int(flag_value(command, "--max-model-len")),
    }


def test_scaling_template_is_valid_compose_once_uncommented():
    """The commented replica + router template parses, and the router balances both replicas."""
    lines, active = [], False
    for line in COMPOSE_FILE.read_text().splitlines():
        active = active or bool(re.match(r"^\s*# (vllm-2|configs):", line))
        lines.append(re.sub(r"^(\s*)# ?", r"\1", line) if active and re.match(r"^\s*#( |$)", line) else line)

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!reset", lambda loader, node: None)
    template = yaml.load("\n".join(lines), Loader=Loader)
    router = template["services"]["router"]
    assert set(router["depends_on"]) == {"vllm", "vllm-2"}
    assert all(str(port).startswith("127.0.0.1:") for port in router["ports"])
    upstream = template["configs"]["router-conf"]["content"]
    assert "server vllm:8000;" in upstream and "server vllm-2:8000;" in upstream
    assert "--tensor-parallel-size" in COMPOSE_FILE.read_text()
