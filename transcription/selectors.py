"""Reads of recordings and transcripts."""

from __future__ import annotations

from transcription.models import Recording, TranscriptSegment


def transcript_segments(*, recording: Recording) -> list[TranscriptSegment]:
    """The utterances of ``recording``'s transcript in order (``[]`` when it has none yet)."""
    return list(TranscriptSegment.objects.filter(transcript__recording=recording).order_by("index"))
