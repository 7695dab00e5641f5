"""Image analysis by a vision-capable, OpenAI-compatible chat-completions model (OpenAI SDK).

Configured by ``CHATMED_VISION_MODEL`` (empty: no image model) with ``CHATMED_VISION_API_KEY`` /
``CHATMED_VISION_BASE_URL`` (default: ``OPENAI_API_KEY`` / ``OPENAI_BASE_URL``; a self-hosted server
works). The model is asked for JSON; :func:`parse_findings` checks its shape, so nothing malformed
reaches a client. Request and response bodies are never logged (they hold patient images).
"""

from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass

SYSTEM_PROMPT = (
    "You are a medical imaging assistant helping a licensed clinician. Describe only what is visible in "
    "the image; never guess a diagnosis the image does not support, and say when the image is not "
    "diagnostic. Answer ONLY with a JSON object: {\"findings\": string (written in the language "
    "{language}), \"confidence\": number between 0 and 1, \"regions_of_interest\": [{\"label\": string, "
    "\"x\": number, \"y\": number, \"width\": number, \"height\": number, \"confidence\": number}]} where x, y, "
    "width, height are fractions (0 to 1) of the image's width and height from its top-left corner. "
    "Use an empty list when no region stands out."
)
TYPE_HINTS = {
    "general": "a medical image",
    "chest_xray": "a chest radiograph",
    "dermatology": "a photograph of a skin lesion",
    "mri": "an MRI slice",
}


@dataclass
class VisionProviderError(Exception):
    """The image model failed or answered something unusable (``permanent``: a retry cannot help)."""

    message: str
    permanent: bool = False

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class VisionFindings:
    """A validated answer: ``findings`` text, ``confidence`` in [0, 1], ``regions`` as in
    :class:`chatmed.models.ImageAnalysis`."""

    findings: str
    confidence: float
    regions: list[dict]


def _fraction(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or not 0 <= value <= 1:
        raise VisionProviderError(f"image model answer malformed: {name} must be a number in [0, 1]", permanent=True)
    return float(value)


def parse_findings(text: str) -> VisionFindings:
    """Validate the model's JSON answer (``{"findings", "confidence", "regions_of_interest"}``).

    Raises:
        VisionProviderError(permanent=True): not JSON, a missing/empty ``findings``, a confidence or
            region coordinate outside [0, 1], a region without a label or extending past the image.
    """
    text = (text or "").strip()
    if text.startswith("```"):  # some servers wrap JSON in a Markdown fence despite the instruction
        text = text.strip("`").removeprefix("json").strip()
    try:
        answer = json.loads(text)
    except ValueError:
        raise VisionProviderError("image model answer malformed: not JSON", permanent=True) from None
    if not isinstance(answer, dict):
        raise VisionProviderError("image model answer malformed: not a JSON object", permanent=True)
    findings = answer.get("findings")
    if not isinstance(findings, str) or not findings.strip():
        raise VisionProviderError("image model answer malformed: findings missing or empty", permanent=True)
    confidence = _fraction(answer.get("confidence"), "confidence")
    raw_regions = answer.get("regions_of_interest", [])
    if not isinstance(raw_regions, list):
        raise VisionProviderError("image model answer malformed: regions_of_interest must be a list", permanent=True)
    regions = []
    for i, region in enumerate(raw_regions):
        if not isinstance(region, dict) or not isinstance(region.get("label"), str) or not region["label"].strip():
            raise VisionProviderError(f"image model answer malformed: region {i} has no label", permanent=True)
        box = {k: _fraction(region.get(k), f"regions_of_interest[{i}].{k}") for k in ("x", "y", "width", "height")}
        if box["x"] + box["width"] > 1.0001 or box["y"] + box["height"] > 1.0001:
            raise VisionProviderError(f"image model answer malformed: region {i} extends past the image", permanent=True)
        conf = region.get("confidence")
        regions.append({"label": region["label"].strip(), **box,
                        "confidence": _fraction(conf, f"regions_of_interest[{i}].confidence") if conf is not None else None})
    return VisionFindings(findings.strip(), confidence, regions)


def analyse(*, api_key: str, base_url: str | None, model: str, timeout: float, png: bytes, analysis_type: str,
            language: str, metadata: dict) -> VisionFindings:
    """Send the image (PNG, as a data URL) and its metadata to the model; return validated findings.

    Raises:
        VisionProviderError: HTTP error, timeout, unreachable server, empty or malformed answer.
    """
    import openai

    client = openai.OpenAI(api_key=api_key or "none", base_url=base_url, timeout=timeout, max_retries=1)
    facts = {k: v for k, v in metadata.items() if k in ("modality", "body_part", "pixel_spacing_mm", "width", "height")
             and v is not None}
    user = [
        {"type": "text", "text": f"Analyse {TYPE_HINTS.get(analysis_type, TYPE_HINTS['general'])}. "
                                 f"Image facts: {json.dumps(facts)}."},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64," + base64.b64encode(png).decode()}},
    ]
    try:
        completion = client.chat.completions.create(
            model=model, temperature=0, max_tokens=800, response_format={"type": "json_object"},
            messages=[{"role": "system", "content": SYSTEM_PROMPT.replace("{language}", language)},
                      {"role": "user", "content": user}])
    except openai.APIStatusError as exc:
        raise VisionProviderError(f"image model answered HTTP {exc.status_code}",
                                  permanent=exc.status_code in (400, 401, 403, 404)) from None
    except (openai.APIConnectionError, openai.APITimeoutError):
        raise VisionProviderError("image model unreachable or timed out") from None
    choices = getattr(completion, "choices", None) or []
    text = (choices[0].message.content or "") if choices else ""
    if not text.strip():
        raise VisionProviderError("image model returned an empty answer")
    return parse_findings(text)
