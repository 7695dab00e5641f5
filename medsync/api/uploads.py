"""Upload size enforcement that never reads an oversized body into memory."""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler
from rest_framework import status

from medsync.api.errors import ApiError


class PayloadTooLarge(ApiError):
    """413 with the surface's error body."""

    def __init__(self, max_bytes: int):
        super().__init__(
            f"Audio file too large (max {max_bytes // (1024 * 1024)} MB)", status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
        )


class MaxSizeUploadHandler(FileUploadHandler):
    """Abort a multipart upload as soon as its files exceed ``max_bytes``.

    Placed before Django's temporary-file handler, it sees every chunk (64 KiB) first, so at most
    ``max_bytes`` plus one chunk reaches the disk, and nothing beyond a chunk is held in memory.
    Raises :class:`PayloadTooLarge` from the parser; the view answers 413.
    """

    def __init__(self, max_bytes: int, request=None):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # Refuse early when the client declares a body far bigger than allowed (multipart overhead
        # for the form fields is small; 1 MiB is generous).
        if content_length and content_length > self.max_bytes + 1024 * 1024:
            raise PayloadTooLarge(self.max_bytes)
        return None

    def receive_data_chunk(self, raw_data: bytes, start: int):
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            raise PayloadTooLarge(self.max_bytes)
        return raw_data

    def file_complete(self, file_size: int):
        return None


def install_upload_limit(request, max_bytes: int) -> None:
    """Make ``request`` (a DRF request, before its body is parsed) enforce ``max_bytes``.

    Raises:
        PayloadTooLarge: at once when ``Content-Length`` already exceeds the limit.
    """
    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    django_request = request._request
    try:
        content_length = int(django_request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        content_length = 0
    if content_length > max_bytes + 1024 * 1024:
        raise PayloadTooLarge(max_bytes)
    django_request.upload_handlers = [
        MaxSizeUploadHandler(max_bytes, django_request),
        TemporaryFileUploadHandler(django_request),
    ]
