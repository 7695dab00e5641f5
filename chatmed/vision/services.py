"""``POST /api/v1/medical-vision/analyze``: validate → de-identify → store → analyse (or say why not).

Order: the image is validated and parsed (:mod:`chatmed.vision.images`; a bad image is a 422 and
nothing is stored) → the de-identified copy is stored as an :class:`ImageAnalysis` → with an image model
configured (never for sandbox keys) it is asked for structured findings, whose shape is checked →
otherwise, or when the model fails, 503 ``service_unavailable`` carrying the image's metadata and the
``analysis_id``: no finding is ever made up.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from chatmed.api.base import ServiceUnavailable
from chatmed.models import ImageAnalysis, new_public_id
from chatmed.vision.images import ValidatedImage
from chatmed.vision.llm import VisionProviderError, analyse
from clinics.models import Clinic

logger = logging.getLogger("chatmed.vision")

ANALYSIS_TYPES = ("general", "chest_xray", "dermatology", "mri")
DISCLAIMERS = {
    "en": "AI-assisted analysis. Always verify with a licensed radiologist or physician.",
    "es": "Análisis asistido por IA. Verifíquelo siempre con un radiólogo o médico colegiado.",
    "ca": "Anàlisi assistida per IA. Verifiqueu-la sempre amb un radiòleg o metge col·legiat.",
    "fr": "Analyse assistée par IA. Toujours la faire vérifier par un radiologue ou un médecin diplômé.",
    "pt": "Análise assistida por IA. Verifique sempre com um radiologista ou médico habilitado.",
    "de": "KI-gestützte Analyse. Immer von einer approbierten Radiologin oder einem Arzt prüfen lassen.",
    "it": "Analisi assistita dall'IA. Verificare sempre con un radiologo o un medico abilitato.",
    "ar": "تحليل بمساعدة الذكاء الاصطناعي. تحقق دائمًا مع طبيب أشعة أو طبيب مرخص.",
}


def vision_settings(clinic: Clinic) -> tuple[str, str | None, str] | None:
    """``(api_key, base_url, model)`` of the configured image model, or ``None`` when there is none."""
    model = settings.CHATMED_VISION_MODEL
    if not model:
        return None
    key = settings.CHATMED_VISION_API_KEY or clinic.openai_api_key or settings.OPENAI_API_KEY
    base_url = settings.CHATMED_VISION_BASE_URL or settings.OPENAI_BASE_URL
    if not key and not base_url:  # a self-hosted server may need no key; OpenAI's own does
        return None
    return key, base_url, model


def _unavailable(analysis: ImageAnalysis, message: str) -> ServiceUnavailable:
    return ServiceUnavailable(message, extra={"analysis_id": analysis.public_id, "analysis_type": analysis.analysis_type,
                                              "image": analysis.image_metadata})


def image_analysis_create(*, clinic: Clinic, is_sandbox: bool, image: ValidatedImage, analysis_type: str,
                          language: str) -> dict:
    """Store the de-identified ``image`` and analyse it.

    Returns ``{"analysis_id", "analysis_type", "findings", "confidence", "regions_of_interest",
    "disclaimer", "image", "engine"}``.
    Raises:
        ServiceUnavailable: no image model configured, a sandbox key, or the model failed or answered
            malformed; the body carries ``analysis_id``, ``analysis_type`` and ``image`` (metadata).
    """
    with transaction.atomic():
        analysis = ImageAnalysis(public_id=new_public_id("vis"), is_sandbox=is_sandbox, analysis_type=analysis_type,
                                 language=language, extension=image.extension, image_metadata=image.metadata,
                                 status=ImageAnalysis.Status.UNAVAILABLE)
        from django.utils import timezone

        analysis.created_at = timezone.now()  # upload_to uses it before the first save
        analysis.image.save(f"image{image.extension}", ContentFile(image.deidentified), save=False)
        analysis.save()

    model = None if is_sandbox else vision_settings(clinic)
    if model is None:
        reason = ("Sandbox (sk_test_) keys never reach an image model" if is_sandbox
                  else "No image analysis model is configured on this server")
        analysis.failure_reason = reason
        analysis.save(update_fields=["failure_reason"])
        raise _unavailable(analysis, f"{reason}: the image was validated ({_describe(image.metadata)}) "
                                     "but no findings can be given.")
    key, base_url, model_name = model
    try:
        result = analyse(api_key=key, base_url=base_url, model=model_name,
                         timeout=settings.CHATMED_VISION_TIMEOUT_SECONDS, png=image.preview_png,
                         analysis_type=analysis_type, language=language, metadata=image.metadata)
    except VisionProviderError as exc:
        logger.warning("image model failed (%s, permanent=%s)", exc.message, exc.permanent)
        analysis.status, analysis.failure_reason = ImageAnalysis.Status.FAILED, exc.message[:300]
        analysis.save(update_fields=["status", "failure_reason"])
        raise _unavailable(analysis, f"The image analysis model failed ({exc.message}); no findings are given.") from None
    analysis.status, analysis.engine = ImageAnalysis.Status.COMPLETED, model_name[:60]
    analysis.findings, analysis.confidence, analysis.regions_of_interest = result.findings, result.confidence, result.regions
    analysis.save(update_fields=["status", "engine", "findings", "confidence", "regions_of_interest"])
    return {
        "analysis_id": analysis.public_id,
        "analysis_type": analysis_type,
        "findings": result.findings,
        "confidence": round(result.confidence, 3),
        "regions_of_interest": result.regions,
        "disclaimer": DISCLAIMERS.get(language, DISCLAIMERS["en"]),
        "image": image.metadata,
        "engine": model_name,
    }


def _describe(metadata: dict) -> str:
    parts = [metadata["format"].upper(), f"{metadata['width']}x{metadata['height']} px"]
    if metadata.get("modality"):
        parts.append(f"modality {metadata['modality']}")
    if metadata.get("body_part"):
        parts.append(f"body part {metadata['body_part']}")
    if metadata.get("pixel_spacing_mm"):
        parts.append("pixel spacing " + "x".join(f"{v:g}" for v in metadata["pixel_spacing_mm"]) + " mm")
    return ", ".join(parts)
