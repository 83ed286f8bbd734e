"""A scripted fake OpenAI-compatible server on loopback, with fault injection per request.

    with FakeOpenAIServer(model="fake", api_key="k") as server:
        server.script(Fault.http_error(500), Fault.stall_mid_stream(after_chunks=2))  # next 2 requests
        client = OpenAICompatibleClient(base_url=server.base_url, model="fake", api_key="k")
        ...
        server.requests            # every request seen: path, body, headers

Chat requests beyond the script get the default reply: `json_reply(body)` (default: a minimal instance of
the requested JSON schema) when `response_format` asks for a schema, else `text_reply(body)` streamed word by
word. Like vLLM it answers 401 without the right key on /v1, 404 for an unknown model, 400 for empty messages,
max_tokens above the context, or two structured-output constraints, and 200 with unknown fields. `/health` is
open and `/metrics` exposes prefix-cache counters (queries = prompt characters, hits = prefix shared with an
earlier prompt) in Prometheus text.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CONTEXT_TOKENS = 4096


@dataclass(frozen=True)
class Fault:
    """What the server does with one chat request instead of (or on top of) the default reply."""

    kind: str
    status: int = 200
    message: str = ""
    seconds: float = 0.0
    after_chunks: int = 0
    content: str | None = None
    reply: Callable[[dict], Any] | None = None

    @classmethod
    def http_error(cls, status: int, message: str = "fake failure") -> Fault:
        """Answer with this HTTP status and an OpenAI-style error body."""
        return cls("status", status=status, message=message)

    @classmethod
    def stall(cls, seconds: float) -> Fault:
        """Send nothing for `seconds` before answering normally (the client's read timeout should fire)."""
        return cls("stall", seconds=seconds)

    @classmethod
    def stall_mid_stream(cls, after_chunks: int = 1, seconds: float = 30.0) -> Fault:
        """Stream `after_chunks` chunks, then go silent for `seconds` (then end the stream)."""
        return cls("stall_mid_stream", seconds=seconds, after_chunks=after_chunks)

    @classmethod
    def invalid_json(cls, content: str = '{"score": 7, "feedback": "unterminated') -> Fault:
        """A 200 reply whose content is not valid JSON."""
        return cls("content", content=content)

    @classmethod
    def wrong_schema(cls, content: str = '{"unexpected": true}') -> Fault:
        """A 200 reply with valid JSON that violates the requested schema."""
        return cls("content", content=content)

    @classmethod
    def length(cls) -> Fault:
        """The reply stops at max_tokens: truncated content and finish_reason "length"."""
        return cls("length")

    @classmethod
    def slow(cls, token_delay_s: float) -> Fault:
        """A normal reply, streamed with this delay between chunks."""
        return cls("slow", seconds=token_delay_s)

    @classmethod
    def drop(cls) -> Fault:
        """Close the connection without answering."""
        return cls("drop")

    @classmethod
    def custom(cls, reply: Callable[[dict], Any]) -> Fault:
        """Reply with `reply(body)`: a dict (sent as JSON content) or a string."""
        return cls("custom", reply=reply)


def schema_example(schema: dict, defs: dict | None = None) -> Any:
    """A small instance that satisfies a (simple) JSON schema: first enum value, minimal arrays, etc."""
    defs = defs if defs is not None else schema.get("$defs", {})
    if "$ref" in schema:
        return schema_example(defs[schema["$ref"].split("/")[-1]], defs)
    if "const" in schema:  # pydantic writes a one-value Literal (a single key point) as const
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][len(schema["enum"]) // 2]
    if "anyOf" in schema:
        return schema_example(schema["anyOf"][0], defs)
    kind = schema.get("type")
    if kind == "object":
        return {name: schema_example(sub, defs) for name, sub in schema.get("properties", {}).items()}
    if kind == "array":
        if "items" not in schema or schema.get("maxItems", 1) == 0:
            return []
        return [schema_example(schema["items"], defs)]
    if kind == "string":
        return "ok"[: schema.get("maxLength", 2)] or ""
    if kind in ("number", "integer"):
        return schema.get("minimum", 0)
    if kind == "boolean":
        return True
    return None


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: dict | None


@dataclass
class _State:
    script: list[Fault] = field(default_factory=list)
    requests: list[RecordedRequest] = field(default_factory=list)
    prompts: list[str] = field(default_factory=list)
    queries: int = 0
    hits: int = 0


class FakeOpenAIServer:
    """The fake server; start with `with` (or `start()`/`stop()`). Thread-safe; one thread per connection."""

    def __init__(
        self, *, model: str = "fake-model", api_key: str = "test-key", token_delay_s: float = 0.0
    ) -> None:
        self.model = model
        self.api_key = api_key
        self.token_delay_s = token_delay_s
        self.json_reply: Callable[[dict], Any] = _default_json_reply
        self.text_reply: Callable[[dict], str] = lambda body: "这是 一个 追问： 为什么 需要 缩放？"
        self._state = _State()
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- control ----------------------------------------------------------------------------------------

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> FakeOpenAIServer:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-openai", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._closing.set()  # wakes every stalled handler
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    @property
    def root_url(self) -> str:
        assert self._httpd is not None, "server not started"
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/v1"

    def script(self, *faults: Fault) -> None:
        """Queue faults for the next chat requests, one per request, in order."""
        with self._lock:
            self._state.script.extend(faults)

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._state.requests)

    def chat_requests(self) -> list[dict]:
        """Bodies of the chat-completion requests seen so far."""
        return [r.body or {} for r in self.requests if r.path.endswith("/chat/completions")]

    # -- used by the handler ---------------------------------------------------------------------------------

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._state.requests.append(request)

    def _next_fault(self) -> Fault | None:
        with self._lock:
            return self._state.script.pop(0) if self._state.script else None

    def _count_prefix(self, prompt: str) -> None:
        with self._lock:
            shared = max((_common_prefix(prompt, p) for p in self._state.prompts), default=0)
            self._state.prompts.append(prompt)
            self._state.queries += len(prompt)
            self._state.hits += shared

    def _metrics_text(self) -> str:
        with self._lock:
            q, h = self._state.queries, self._state.hits
        labels = f'{{engine="0",model_name="{self.model}"}}'
        return (
            "# TYPE vllm:prefix_cache_queries_total counter\n"
            f"vllm:prefix_cache_queries_total{labels} {float(q)}\n"
            "# TYPE vllm:prefix_cache_hits_total counter\n"
            f"vllm:prefix_cache_hits_total{labels} {float(h)}\n"
        )

    def _sleep(self, seconds: float) -> bool:
        """Sleep unless the server is closing; False when woken by `stop()`."""
        return not self._closing.wait(seconds)


def _default_json_reply(body: dict) -> Any:
    return schema_example(body["response_format"]["json_schema"]["schema"])


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _error(status: int, message: str) -> dict:
    kinds = {400: "BadRequestError", 401: "Unauthorized", 404: "NotFoundError"}
    return {"error": {"message": message, "type": kinds.get(status, "InternalServerError"), "code": status}}


class _Handler(BaseHTTPRequestHandler):
    fake: FakeOpenAIServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        return

    # -- routing ---------------------------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except json.JSONDecodeError:
            body = None
        self.fake._record(RecordedRequest(method, self.path, dict(self.headers), body))
        if self.path == "/health":
            return self._send(200, b"", "text/plain")
        if self.path == "/metrics":
            return self._send(200, self.fake._metrics_text().encode(), "text/plain; version=0.0.4")
        if not self.path.startswith("/v1/"):
            return self._json(404, {"detail": "Not Found"})
        if self.headers.get("Authorization") != f"Bearer {self.fake.api_key}":
            return self._json(401, {"error": "Unauthorized"})
        if self.path == "/v1/models" and method == "GET":
            return self._json(200, {"object": "list", "data": [{"id": self.fake.model, "object": "model"}]})
        if self.path == "/v1/chat/completions" and method == "POST":
            return self._chat(body)
        return self._json(404, {"detail": "Not Found"})

    def _chat(self, body: dict | None) -> None:
        problem = self._validate(body)
        if problem is not None:
            return self._json(*problem)
        assert body is not None
        fault = self.fake._next_fault()
        if fault is not None and fault.kind == "status":
            return self._json(fault.status, _error(fault.status, fault.message))
        if fault is not None and fault.kind == "drop":
            self.close_connection = True
            self.connection.close()
            return None
        if fault is not None and fault.kind == "stall" and not self.fake._sleep(fault.seconds):
            return None
        self.fake._count_prefix("".join(m.get("content", "") for m in body["messages"]))
        content, finish = self._content(body, fault)
        if body.get("stream"):
            return self._stream(body, content, finish, fault)
        usage = {"prompt_tokens": 10, "completion_tokens": max(1, len(content) // 4), "total_tokens": 0}
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        reply = {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "model": self.fake.model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                         "finish_reason": finish}],
            "usage": usage,
        }
        return self._json(200, reply)

    def _validate(self, body: dict | None) -> tuple[int, dict] | None:
        if not isinstance(body, dict):
            return 400, _error(400, "request body is not JSON")
        if body.get("model") != self.fake.model:
            return 404, _error(404, f"The model `{body.get('model')}` does not exist.")
        if not body.get("messages"):
            return 400, _error(400, "messages must not be empty")
        if int(body.get("max_tokens") or 0) > CONTEXT_TOKENS:
            return 400, _error(400, f"max_tokens is too large: the context is {CONTEXT_TOKENS} tokens")
        constraints = [k for k in ("guided_json", "guided_regex", "guided_choice") if body.get(k)]
        if body.get("response_format", {}).get("type") == "json_schema":
            constraints.append("response_format")
            if not isinstance(body["response_format"].get("json_schema", {}).get("schema"), dict):
                return 400, _error(400, "response_format.json_schema.schema must be an object")
        if len(constraints) > 1:
            return 400, _error(400, "You can only use one kind of structured outputs constraint")
        return None

    def _content(self, body: dict, fault: Fault | None) -> tuple[str, str]:
        wants_json = body.get("response_format", {}).get("type") == "json_schema"
        if fault is not None and fault.kind == "content":
            return fault.content or "", "stop"
        if fault is not None and fault.kind == "custom" and fault.reply is not None:
            value = fault.reply(body)
        else:
            value = self.fake.json_reply(body) if wants_json else self.fake.text_reply(body)
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        if fault is not None and fault.kind == "length":
            return text[: max(1, len(text) // 2)], "length"
        return text, "stop"

    # -- writing ---------------------------------------------------------------------------------------------

    def _send(self, status: int, payload: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _json(self, status: int, data: dict) -> None:
        self._send(status, json.dumps(data, ensure_ascii=False).encode(), "application/json")

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _event(self, data: dict | str) -> None:
        text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
        self._chunk(f"data: {text}\n\n".encode())

    def _stream(self, body: dict, content: str, finish: str, fault: Fault | None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        delay = fault.seconds if fault is not None and fault.kind == "slow" else self.fake.token_delay_s
        pieces = re.findall(r"\S+\s*|\s+", content) or [content]
        base = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "model": self.fake.model}
        try:
            first = {"index": 0, "delta": {"role": "assistant"}, "finish_reason": None}
            self._event({**base, "choices": [first]})
            for i, piece in enumerate(pieces):
                if fault is not None and fault.kind == "stall_mid_stream" and i == fault.after_chunks:
                    if not self.fake._sleep(fault.seconds):
                        return
                elif delay and not self.fake._sleep(delay):
                    return
                last = i == len(pieces) - 1
                choice = {"index": 0, "delta": {"content": piece}, "finish_reason": finish if last else None}
                self._event({**base, "choices": [choice]})
            if (body.get("stream_options") or {}).get("include_usage"):
                n = len(pieces)
                usage = {"prompt_tokens": 10, "completion_tokens": n, "total_tokens": 10 + n}
                self._event({**base, "choices": [], "usage": usage})
            self._event("[DONE]")
            self._chunk(b"")
        except (BrokenPipeError, ConnectionResetError):
            return
