"""Handlers by topic. Higher apps register here; the outbox never imports them.

    from outbox.registry import handles

    @handles("worker.changed")
    def rematch_worker(event: OutboxEvent) -> None: ...

Register in the app's `AppConfig.ready()` (import its handlers module) so the
worker process knows every handler before it consumes.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from outbox.models import OutboxEvent

Handler = Callable[["OutboxEvent"], None]
_handlers: dict[str, dict[str, Handler]] = {}


def handler_name(func: Handler) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def handles(topic: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        _handlers.setdefault(topic, {})[handler_name(func)] = func
        return func

    return register


def handlers_for(topic: str) -> dict[str, Handler]:
    return dict(_handlers.get(topic, {}))


def unregister(topic: str, func: Handler) -> None:
    _handlers.get(topic, {}).pop(handler_name(func), None)
