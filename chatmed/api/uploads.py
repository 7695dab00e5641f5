"""Multipart uploads of the ChatMed surface: a per-file size limit enforced while the body streams in.

Reuses MediSync's :class:`medsync.api.uploads.MaxSizeUploadHandler` (at most one 64 KiB chunk past the
limit reaches the disk) but answers in the ChatMed error shape (413 ``payload_too_large``).
"""

from __future__ import annotations

from django.core.files.uploadhandler import TemporaryFileUploadHandler

from chatmed.api.base import PayloadTooLarge
from medsync.api.uploads import MaxSizeUploadHandler

#: Room left in a request body for the form's other fields and the multipart framing, bytes.
FORM_OVERHEAD_BYTES = 64 * 1024


class _ChatMedSizeLimit(MaxSizeUploadHandler):
    def __init__(self, max_bytes: int, what: str, request=None):
        super().__init__(max_bytes, request)
        self.what = what

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > self.max_bytes + FORM_OVERHEAD_BYTES:
            raise PayloadTooLarge(self.what, self.max_bytes)
        return None

    def receive_data_chunk(self, raw_data: bytes, start: int):
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            raise PayloadTooLarge(self.what, self.max_bytes)
        return raw_data


def install_file_limit(request, *, max_bytes: int, what: str) -> None:
    """Make the DRF ``request`` (body not parsed yet) refuse files over ``max_bytes`` with a 413.

    ``what`` names the upload in the message ("Image file"). Raises :class:`PayloadTooLarge` at once
    when ``Content-Length`` already exceeds the limit plus :data:`FORM_OVERHEAD_BYTES`.
    """
    django_request = request._request
    length = django_request.META.get("CONTENT_LENGTH") or "0"
    if length.isdigit() and int(length) > max_bytes + FORM_OVERHEAD_BYTES:
        raise PayloadTooLarge(what, max_bytes)
    django_request.upload_handlers = [_ChatMedSizeLimit(max_bytes, what, django_request),
                                      TemporaryFileUploadHandler(django_request)]
