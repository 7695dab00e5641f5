"""``POST /api/v1/chat/message`` and ``GET /api/v1/chat/sessions/{session_id}``."""

from __future__ import annotations

from django.core.validators import RegexValidator
from rest_framework import serializers
from rest_framework.response import Response

from chatmed.api.base import ChatMedApiView, NotFound
from chatmed.api.schema import chatmed_schema
from chatmed.chat.services import SESSION_ID_SHAPE, chat_message
from chatmed.profiles.services import profile_get
from chatmed.selectors import chat_session_with_messages
from clinics.models import ChatMedEndpoint


class ChatInput(serializers.Serializer):
    message = serializers.CharField(max_length=4000)
    # The pattern is stated in the OpenAPI schema; a mismatch stays a 422 (code not in BAD_REQUEST_CODES).
    session_id = serializers.CharField(required=False, max_length=64, validators=[RegexValidator(
        SESSION_ID_SHAPE, message="session_id: use 1-64 letters, digits, '_' or '-'.", code="session_id_shape")])
    language = serializers.CharField(required=False, max_length=10, default="en")
    profile_id = serializers.CharField(required=False, max_length=40)


class ChatMessageApi(ChatMedApiView):
    """See :func:`chatmed.chat.services.chat_message` for the answer's shape."""

    endpoint = ChatMedEndpoint.CHAT

    @chatmed_schema(request=ChatInput, summary="Send a message to the medical chat")
    def post(self, request):
        data = self.validated(ChatInput)
        profile = profile_get(public_id=data["profile_id"], is_sandbox=self.is_sandbox) if data.get("profile_id") else None
        return Response(chat_message(
            clinic=self.principal.clinic, is_sandbox=self.is_sandbox, message=data["message"],
            session_id=data.get("session_id"), language=data["language"].lower()[:2], profile=profile,
        ))


class ChatSessionApi(ChatMedApiView):
    """``{"session_id", "profile_id", "language", "messages": [{"role", "content", "urgency_level", "timestamp"}]}``."""

    endpoint = ChatMedEndpoint.CHAT

    @chatmed_schema(summary="A chat session's history")
    def get(self, request, session_id: str):
        session = chat_session_with_messages(public_id=session_id, is_sandbox=self.is_sandbox)
        if session is None:
            raise NotFound(f"Session {session_id!r} does not exist.")
        return Response({
            "session_id": session.public_id,
            "profile_id": session.profile.public_id if session.profile else None,
            "language": session.language,
            "messages": [{"role": m.role, "content": m.content, "urgency_level": m.urgency_level or None,
                          "timestamp": m.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")} for m in session.messages.all()],
        })
