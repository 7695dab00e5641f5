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


def validated_upload(view, serializer_class, *, field: str, max_bytes: int, what: str) -> dict:
    """The multipart form of ``view``'s request with its file ``field``, validated by ``serializer_class``.

    Installs the size limit first (:func:`install_file_limit`: 413 ``payload_too_large`` over ``max_bytes``),
    then answers 400 ``bad_request`` when ``field`` carries no file, else validates the form fields and the
    file together (400/422 as :meth:`chatmed.api.base.ChatMedApiView.validated`).
    """
    from chatmed.api.base import ChatMedError

    request = view.request
    install_file_limit(request, max_bytes=max_bytes, what=what)
    if field not in request.FILES:
        raise ChatMedError(f"{field}: no file uploaded (send it as multipart/form-data field '{field}').")
    return view.validated(serializer_class, data={**request.data.dict(), field: request.FILES[field]})
