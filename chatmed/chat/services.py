"""``POST /api/v1/chat/message``: sessions, triage, offline or LLM answer.

Order: resolve the session (created when absent or unknown) -> store the user's turn (committed, so a
failed answer never loses it) -> triage with
the emergency rules -> answer: a critical triage always gets the deterministic emergency reply; else
the LLM when configured (never for sandbox keys), else the offline grounded engine; an LLM failure
falls back to the offline engine when the clinic allows it, otherwise 503 -> store the answer.
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from chatmed.api.base import ServiceUnavailable, ValidationFailed
from chatmed.chat.engine import ChatAnswer, follow_up_questions, localized_profile_context, match_entry, offline_answer
from chatmed.chat.knowledge import DISCLAIMERS
from chatmed.chat.llm import ChatProviderError, llm_complete
from chatmed.chat.prompts import SYSTEM_PROMPT
from chatmed.emergency.engine import detect
from chatmed.emergency.numbers import emergency_number
from chatmed.emergency.rules import CRITICAL, URGENCY_ORDER
from chatmed.models import ChatMessage, ChatSession, HealthProfile, new_public_id
from clinics.models import Clinic

logger = logging.getLogger("chatmed.chat")
SESSION_ID_SHAPE = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")
HISTORY_TURNS = 10


def profile_context(profile: HealthProfile | None, language: str = "en") -> str:
    """One sentence in ``language`` listing the profile's conditions, medications and allergies ("" when none)."""
    if profile is None:
        return ""
    return localized_profile_context(language=language, conditions=[c["description"] for c in profile.conditions],
                                     medications=[m["name"] for m in profile.medications],
                                     allergies=list(profile.allergies))


def _session(*, session_id: str | None, is_sandbox: bool, profile: HealthProfile | None, language: str) -> ChatSession:
    if session_id is not None and not SESSION_ID_SHAPE.match(session_id):
        raise ValidationFailed("session_id: use 1-64 letters, digits, '_' or '-'.")
    session_id = session_id or new_public_id("sess")
    session, created = ChatSession.objects.select_for_update().get_or_create(
        public_id=session_id, is_sandbox=is_sandbox, defaults={"profile": profile, "language": language})
    if not created and profile is not None and session.profile_id != profile.pk:
        session.profile = profile
        session.save(update_fields=["profile", "updated_at"])
    return session


def _llm_settings(clinic: Clinic) -> tuple[str, str | None, str] | None:
    engine = settings.CHATMED_CHAT_ENGINE
    if engine == "offline":
        return None
    key = clinic.openai_api_key or settings.OPENAI_API_KEY
    if not key:
        if engine == "openai":
            raise ServiceUnavailable("The chat's LLM is not configured.")
        return None
    return key, settings.OPENAI_BASE_URL, settings.OPENAI_MODEL


def chat_message(*, clinic: Clinic, is_sandbox: bool, message: str, session_id: str | None = None,
                 language: str = "en", profile: HealthProfile | None = None) -> dict:
    """Answer one message.

    Returns ``{"response", "session_id", "disclaimer", "urgency_level", "follow_up_questions",
    "timestamp", "sources", "engine"}``.
    Raises:
        ValidationFailed: malformed ``session_id``.
        ServiceUnavailable: the LLM failed and the clinic does not allow the offline fallback.
    """
    language = language if language in DISCLAIMERS else "en"
    # The user's turn is stored first, in its own transaction: no transaction stays open during the LLM call.
    with transaction.atomic():
        session = _session(session_id=session_id, is_sandbox=is_sandbox, profile=profile, language=language)
        profile = profile or session.profile
        history = list(session.messages.order_by("-created_at", "-id")[:HISTORY_TURNS * 2])[::-1]
        ChatMessage.objects.create(session=session, role=ChatMessage.Role.USER, content=message)
    previous_topic = next((m.topic for m in reversed(history) if m.role == ChatMessage.Role.ASSISTANT and m.topic), "")

    codes = tuple(c.get("code", "") for c in (profile.conditions if profile else []))
    detection = detect(message, history_codes=codes)
    number = emergency_number((profile.country if profile else "") or settings.CHATMED_DEFAULT_COUNTRY)
    context = profile_context(profile)  # English, for the LLM's system prompt
    offline = lambda: offline_answer(message=message, language=language, emergency_number=number,  # noqa: E731
                                     previous_topic=previous_topic, profile_context=profile_context(profile, language),
                                     detection=detection)

    engine = "offline"
    llm = None if (is_sandbox or detection.urgency_level == CRITICAL) else _llm_settings(clinic)
    if llm is None:
        answer = offline()
    else:
        try:
            answer = _llm_answer(llm, message=message, history=history, language=language, number=number,
                                 context=context, detection=detection)
            engine = "openai"
        except ChatProviderError as exc:
            logger.warning("chat LLM failed (%s, permanent=%s)", exc.message, exc.permanent)
            if not clinic.allow_offline_fallback:
                raise ServiceUnavailable("The medical AI provider is temporarily unavailable.") from None
            answer = offline()

    with transaction.atomic():
        ChatMessage.objects.create(session=session, role=ChatMessage.Role.ASSISTANT, content=answer.response,
                                   urgency_level=answer.urgency_level, engine=engine, topic=answer.topic)
        session.save(update_fields=["updated_at"])
    return {
        "response": answer.response,
        "session_id": session.public_id,
        "disclaimer": answer.disclaimer,
        "urgency_level": answer.urgency_level,
        "follow_up_questions": answer.follow_up_questions,
        "timestamp": timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sources": answer.sources,
        "engine": engine,
    }


def _llm_answer(llm: tuple[str, str | None, str], *, message: str, history: list[ChatMessage], language: str,
                number: str, context: str, detection) -> ChatAnswer:
    key, base_url, model = llm
    condition = f", suspected {detection.rule.condition}" if detection.rule else ""
    system = SYSTEM_PROMPT.format(emergency_number=number, language=language, urgency=detection.urgency_level,
                                  condition=condition, profile=context or "none")
    messages = [{"role": "system", "content": system}]
    messages += [{"role": m.role, "content": m.content} for m in history]
    messages.append({"role": "user", "content": message})
    text = llm_complete(api_key=key, base_url=base_url, model=model, timeout=settings.CHATMED_LLM_TIMEOUT_SECONDS,
                        messages=messages)
    entry = match_entry(message)
    urgency = detection.urgency_level
    if entry is not None:
        urgency = min(urgency, entry.urgency, key=URGENCY_ORDER.index)
    return ChatAnswer(text, urgency, follow_up_questions(entry, language) if entry else [], entry.id if entry else "",
                      [entry.source] if entry else [], DISCLAIMERS[language])
