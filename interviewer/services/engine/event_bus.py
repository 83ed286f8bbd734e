"""Delivers engine events to sync listeners and async iterators, in order."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from typing import cast

from interviewer.services.engine.api import EngineEvent, Listener, SessionFinished

log = logging.getLogger(__name__)
_END = object()


class EventStream(AsyncIterator[EngineEvent]):
    """One subscriber's queue; registered at creation so no event is missed before the first `await`."""

    def __init__(self, bus: EventBus) -> None:
        self._queue: asyncio.Queue[object] = asyncio.Queue()
        self._bus = bus
        self._done = False

    def put(self, item: object) -> None:
        self._queue.put_nowait(item)

    def __aiter__(self) -> EventStream:
        return self

    async def __anext__(self) -> EngineEvent:
        if self._done:
            raise StopAsyncIteration
        item = await self._queue.get()
        if item is _END:
            self._done = True
            self._bus.unsubscribe(self)
            raise StopAsyncIteration
        return cast("EngineEvent", item)


class EventBus:
    """Listeners are called synchronously; a failing listener is logged and never breaks the engine."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._streams: list[EventStream] = []
        self.history: list[EngineEvent] = []

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)

        def remove() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return remove

    def subscribe(self) -> EventStream:
        stream = EventStream(self)
        self._streams.append(stream)
        return stream

    def unsubscribe(self, stream: EventStream) -> None:
        if stream in self._streams:
            self._streams.remove(stream)

    def emit(self, event: EngineEvent) -> None:
        self.history.append(event)
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # a UI bug must not lose the candidate's session
                log.exception("engine event listener failed on %s", type(event).__name__)
        for stream in list(self._streams):
            stream.put(event)
        if isinstance(event, SessionFinished):
            self.end_streams()

    def end_streams(self) -> None:
        """End every open `events()` iterator (session finished or engine closed)."""
        for stream in list(self._streams):
            stream.put(_END)
