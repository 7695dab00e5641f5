"""Request parsing shared by every API surface: hostile JSON is a client error, never a 500.

* JSON nested deeper than Python's recursion limit (``[[[[...`` 100,000 levels; the ``json`` module
  raises ``RecursionError``) → ``ParseError`` "JSON nested too deeply", the surface's 400/422.
* A body larger than Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MB by default; Django raises
  ``RequestDataTooBig`` when DRF reads ``request.body``, before any parser runs) is turned into
  :class:`RequestBodyTooLarge` (413) by :func:`medsync.api.errors.exception_handler`.
* Invalid UTF-8 is already a ``ParseError`` in DRF.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework import exceptions, parsers, status


class RequestBodyTooLarge(exceptions.APIException):
    """413: the request body is over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` bytes."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"

    def __init__(self) -> None:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
        super().__init__(f"Request body too large (max {limit // 1024} KB)")


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser; too deeply nested JSON is a ``ParseError`` (see the module)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - nested too deeply") from None
