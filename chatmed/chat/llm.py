"""The chat's LLM adapter: any OpenAI-compatible server through the OpenAI SDK.

Configured by ``OPENAI_API_KEY`` / ``OPENAI_BASE_URL`` / ``OPENAI_MODEL`` (or the clinic's own key).
Errors raise :class:`ChatProviderError` (``permanent`` when a retry cannot help); the service decides
whether to fall back to the offline engine. Request and response bodies are never logged.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ChatProviderError(Exception):
    message: str
    permanent: bool = False

    def __str__(self) -> str:
        return self.message


def llm_complete(*, api_key: str, base_url: str | None, model: str, timeout: float, messages: list[dict]) -> str:
    """One chat completion; returns the assistant's text.

    Raises:
        ChatProviderError: not configured, timeout, HTTP error or an empty answer.
    """
    if not api_key:
        raise ChatProviderError("LLM not configured (no OpenAI API key)", permanent=True)
    import openai

    client = openai.OpenAI(api_key=api_key, base_url=base_url, timeout=timeout, max_retries=1)
    try:
        completion = client.chat.completions.create(model=model, messages=messages, temperature=0.2, max_tokens=400)
    except openai.APIStatusError as exc:
        raise ChatProviderError(f"LLM provider answered HTTP {exc.status_code}",
                                permanent=exc.status_code in (400, 401, 403, 404)) from None
    except (openai.APIConnectionError, openai.APITimeoutError):
        raise ChatProviderError("LLM provider unreachable or timed out") from None
    choices = getattr(completion, "choices", None) or []
    text = (choices[0].message.content or "").strip() if choices else ""
    if not text:
        raise ChatProviderError("LLM provider returned an empty answer")
    return text
