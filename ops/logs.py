"""Log format and per-logger levels from the environment (read by ``medsync/settings.py``).

* ``LOG_FORMAT=plain`` (default; the embedded server's console) or ``json``: one JSON object per line
  (python-json-logger) with ``time``, ``level``, ``logger``, ``message``, ``request_id``, ``clinic`` and
  ``surface`` (see :mod:`medsync.request_context`), plus a logger's ``extra`` fields — except objects
  that can carry patient data (Django's ``request``: its query string; Channels' ``scope``), which are
  never written.
* ``LOG_LEVELS="django.request=WARNING,medsync=DEBUG"``: level per logger name (Python's level names).
"""

from __future__ import annotations

import logging

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from medsync.request_context import current_clinic, current_surface

LOG_FORMATS = ("plain", "json")
# Record attributes never written: the standard ones (shown by the fields below or useless) and objects
# whose text can hold patient data (a request's query string, a WebSocket scope's headers).
UNSAFE_EXTRAS = ("request", "scope", "headers", "body", "response")


class JsonFormatter(_JsonFormatter):
    """One JSON object per record: ``{"time", "level", "logger", "message", "request_id", "clinic",
    "surface", ...extra}`` (times in ISO 8601 with the offset)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "taskName", "color_message", *UNSAFE_EXTRAS])
        kwargs.setdefault("defaults", {"request_id": "-"})
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s", *args, **kwargs)

    def add_fields(self, log_data: dict, record: logging.LogRecord, message_dict: dict) -> None:
        super().add_fields(log_data, record, message_dict)
        # Formatting runs in the logging thread, inside the request's context (handlers here are synchronous);
        # a logger's own extra "clinic" (e.g. the live session's) is kept.
        log_data.setdefault("clinic", current_clinic())
        log_data.setdefault("surface", current_surface())

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802 - logging API
        import datetime as dt

        return dt.datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds")


def parse_log_levels(value: str) -> dict[str, str]:
    """``"django.request=WARNING, medsync=debug"`` -> ``{"django.request": "WARNING", "medsync": "DEBUG"}``.

    Raises:
        ValueError: an item without ``=`` or an unknown level name (settings fail at start-up, loudly).
    """
    levels: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        name, sep, level = item.partition("=")
        level = level.strip().upper()
        if not sep or not name.strip() or level not in logging.getLevelNamesMapping():
            raise ValueError(f"LOG_LEVELS item {item!r} is not logger=LEVEL (levels: DEBUG, INFO, WARNING, ERROR, CRITICAL)")
        levels[name.strip()] = level
    return levels


def apply_logging_environment(logging_config: dict, *, log_format: str, levels: str) -> dict:
    """Switch ``logging_config`` (a ``LOGGING`` dict) to ``log_format`` and set the ``levels``; returns it.

    Raises:
        ValueError: unknown format or a malformed ``levels`` string.
    """
    if log_format not in LOG_FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}")
    logging_config["formatters"]["json"] = {"()": "ops.logs.JsonFormatter"}
    if log_format == "json":
        for handler in logging_config["handlers"].values():
            handler["formatter"] = "json"
    loggers = logging_config.setdefault("loggers", {})
    for name, level in parse_log_levels(levels).items():
        if name == "root":
            logging_config["root"]["level"] = level
        else:
            loggers.setdefault(name, {})["level"] = level
    return logging_config
