"""Note generation and storage: engine choice and fallback live here, not in the adapters."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence

from django.conf import settings
from django.db import transaction

from notes.content import CUSTOM_TEMPLATE, ClinicalNoteInvalid, merged_content, note_content_render
from notes.engines.base import NoteEngine, NoteEngineError, NoteResult, Turn
from notes.models import ClinicalNote, ClinicalNoteVersion, Message, Run, Thread
from templates.builtin import TemplateSpec

logger = logging.getLogger(__name__)

_offline_engine: NoteEngine | None = None


def offline_engine() -> NoteEngine:
    """The process-wide offline note engine (deterministic, no network)."""
    global _offline_engine
    if _offline_engine is None:
        from notes.engines.offline import OfflineNoteEngine

        _offline_engine = OfflineNoteEngine()
    return _offline_engine


def _openai_engine(api_key: str) -> NoteEngine:
    from notes.engines.openai_llm import OpenAINoteEngine

    return OpenAINoteEngine(
        api_key=api_key, model=settings.OPENAI_MODEL, base_url=settings.OPENAI_BASE_URL,
        timeout=settings.OPENAI_TIMEOUT_SECONDS,
    )


def note_engine_candidates(clinic) -> list[tuple[str, Callable[[], NoteEngine]]]:
    """Engines to try for ``clinic``, in order: ``[(name, factory), ...]``.

    ``note_engine="auto"`` uses OpenAI when the clinic or the platform has a key, else offline;
    ``"openai"`` insists on OpenAI; ``"offline"`` never calls out. The offline engine is appended
    as a fallback when the clinic allows it (``allow_offline_fallback``).
    """
    # Without a clinic (command-line tools) the platform's configuration applies.
    choice = getattr(clinic, "note_engine", "auto")
    api_key = getattr(clinic, "openai_api_key", "") or settings.OPENAI_API_KEY
    candidates: list[tuple[str, Callable[[], NoteEngine]]] = []
    if choice == "openai" or (choice == "auto" and api_key):
        candidates.append(("openai", lambda: _openai_engine(api_key)))
        if getattr(clinic, "allow_offline_fallback", True):
            candidates.append(("offline", offline_engine))
    else:
        candidates.append(("offline", offline_engine))
    return candidates


def note_generate(*, clinic, turns: Sequence[Turn], template: TemplateSpec, language: str) -> NoteResult:
    """Write a note for ``turns`` with the clinic's engine, falling back as configured.

    Raises:
        NoteEngineError: every candidate engine failed (the last error is raised).
    """
    last_error: NoteEngineError | None = None
    for name, factory in note_engine_candidates(clinic):
        try:
            return factory().generate(turns=turns, template=template, language=language)
        except NoteEngineError as exc:
            # The message never holds patient data (see NoteEngineError), so it may be logged.
            logger.warning("Note engine %s failed (permanent=%s): %s", name, exc.permanent, exc.message)
            last_error = exc
    assert last_error is not None
    raise last_error


def note_evidence(result: NoteResult, turn_segments: Sequence[int | None] | None = None) -> list[dict]:
    """``result.evidence`` with its utterance numbers turned into transcript segment indices.

    The engine numbers utterances by their position in the ``turns`` it was given; ``turn_segments[i]``
    is the ``TranscriptSegment.index`` turn ``i`` came from (``None`` for a turn that is no segment,
    e.g. the clinician's typed notes). Without ``turn_segments`` turn ``i`` is segment ``i``. A
    sentence resting on turns that are no segment keeps ``"from_clinician_notes": true``.

    Returns:
        ``[{"section", "sentence", "utterances": [segment index, ...], "supported", "reasons"}, ...]``.
    """
    out = []
    for entry in result.evidence or []:
        item = {"section": entry.get("section", ""), "sentence": entry.get("sentence", ""),
                "supported": bool(entry.get("supported", True)), "reasons": list(entry.get("reasons") or [])}
        indices, other = [], False
        for i in entry.get("utterances") or []:
            if turn_segments is None:
                indices.append(int(i))
            elif 0 <= int(i) < len(turn_segments) and turn_segments[int(i)] is not None:
                indices.append(int(turn_segments[int(i)]))
            else:
                other = True
        item["utterances"] = indices
        if other:
            item["from_clinician_notes"] = True
        out.append(item)
    return out


@transaction.atomic
def clinical_note_create(*, result: NoteResult, template_key: str, language: str, recording=None,
                         turn_segments: Sequence[int | None] | None = None) -> ClinicalNote:
    """Store a generated note as version 1, with its first version row and its evidence
    (see :func:`note_evidence` for ``turn_segments``)."""
    note = ClinicalNote.objects.create(
        recording=recording, template_key=template_key, language=language, engine=result.engine,
        content=result.markdown, sections=dict(result.sections), ai_generated_content=dict(result.sections), version=1,
        evidence=note_evidence(result, turn_segments),
    )
    _version_snapshot(note)
    return note


# --- note versions, updates and sign-off ------------------------------------------------------------

_SNAPSHOT_FIELDS = (
    "content", "sections", "engine", "template_key", "language", "ai_generated_content", "feedback",
    "report_thread_id", "report_run_ids", "summary", "clinician_notes", "signed_off_at", "signed_off_by_uid",
    "signed_off_by_name", "doctor_ref", "patient_ref",
)


def _version_snapshot(note: ClinicalNote) -> ClinicalNoteVersion:
    """Record the note as it is now as version ``note.version``."""
    return ClinicalNoteVersion.objects.create(
        note=note, version=note.version, changed_by=note.updated_by,
        **{name: getattr(note, name) for name in _SNAPSHOT_FIELDS},
    )


class ClinicalNoteConflict(Exception):
    """The change conflicts with the note's state (e.g. signed off by someone else)."""


@transaction.atomic
def clinical_note_draft_create(*, language: str, transcription_record=None, actor: str = "", doctor_ref: str = "",
                               patient_ref: str = "") -> ClinicalNote:
    """An empty note (version 1) to be filled by the documentation workflow (``PATCH /v1/clinical-notes``).

    ``doctor_ref`` / ``patient_ref``: the ``x-doctor`` / ``x-patient`` headers of the request.
    """
    note = ClinicalNote.objects.create(
        transcription_record=transcription_record, template_key="", language=language, engine="", content="",
        sections={}, version=1, updated_by=actor, doctor_ref=doctor_ref, patient_ref=patient_ref,
    )
    _version_snapshot(note)
    return note


UNSET = object()


@transaction.atomic
def clinical_note_update(
    *, note: ClinicalNote, actor: str, template: str | None = None, ai_generated_content=UNSET,
    feedback: str | None = None, report_thread_id: str | None = None, report_run_ids: list[str] | None = None,
    doctor_ref: str = "", patient_ref: str = "",
) -> ClinicalNote:
    """Apply a ``PATCH /v1/clinical-notes/{id}``: only the given fields change.

    ``ai_generated_content`` updates the sections it names and keeps the others (a ``null`` value
    empties a section). Every effective change bumps ``version`` and records the new state as a
    version row, so each previous version stays in the history; a change to a signed-off note
    withdraws the sign-off (the signed version keeps it in the history). Content given without a
    template is validated against the note's template; a template given without content must fit
    the note's content. ``doctor_ref`` / ``patient_ref`` (``x-doctor`` / ``x-patient``) are recorded
    with the new version when given.

    Raises:
        ClinicalNoteInvalid: unknown template, content not matching it, unknown thread or runs.
    """
    note = ClinicalNote.objects.select_for_update().get(pk=note.pk)
    changed: dict = {}
    if report_thread_id is not None or report_run_ids is not None:
        changed.update(_report_links(note, report_thread_id, report_run_ids))
    if template is not None or ai_generated_content is not UNSET:
        content = note.ai_generated_content if ai_generated_content is UNSET else ai_generated_content
        template_key = template if template is not None else note.template_key
        if not template_key:
            raise ClinicalNoteInvalid("template: required with ai_generated_content (SOAP, BIRP, DAP, GIRP or custom)")
        if ai_generated_content is not UNSET:
            content = merged_content(note, ai_generated_content, template_key)
        if content or ai_generated_content is not UNSET:
            key, sections, markdown = note_content_render(template_key=template_key, content=content,
                                                          language=note.language)
            changed.update(template_key=key, ai_generated_content=content, sections=sections, content=markdown)
        else:  # a template chosen for a note without content yet
            changed["template_key"] = _template_key(template_key)
    if feedback is not None:
        changed["feedback"] = feedback
    changed = {k: v for k, v in changed.items() if getattr(note, k) != v}
    if not changed:
        return note
    changed.update({k: v for k, v in (("doctor_ref", doctor_ref), ("patient_ref", patient_ref)) if v})
    return _note_new_version(note, changed, actor=actor)


def _template_key(name: str) -> str:
    from templates.selectors import TemplateNotFound, template_resolve

    if name.lower() == CUSTOM_TEMPLATE:
        return CUSTOM_TEMPLATE
    try:
        return template_resolve(name=name).key
    except TemplateNotFound:
        raise ClinicalNoteInvalid(f"template: unknown template {name!r}") from None


def _report_links(note: ClinicalNote, thread_id: str | None, run_ids: list[str] | None) -> dict:
    """Validate ``report_thread_id`` / ``report_run_id`` against this clinic's threads and runs."""
    thread_id = note.report_thread_id if thread_id is None else thread_id
    links: dict = {"report_thread_id": thread_id}
    thread = thread_get(thread_id=thread_id) if thread_id else None
    if thread_id and thread is None:
        raise ClinicalNoteInvalid(f"report_thread_id: unknown thread {thread_id!r}")
    if run_ids is not None:
        unique = list(dict.fromkeys(run_ids))
        runs = Run.objects.filter(uuid__in=[r for r in unique if _is_uuid(r)])
        if thread is not None:
            runs = runs.filter(thread=thread)
        found = {str(r.uuid) for r in runs}
        missing = [r for r in unique if r not in found]
        if missing:
            where = " of that thread" if thread is not None else ""
            raise ClinicalNoteInvalid(f"report_run_id: unknown run {missing[0]!r}{where}")
        links["report_run_ids"] = unique
    return links


def _note_new_version(note: ClinicalNote, changed: dict, *, actor: str) -> ClinicalNote:
    for name, value in changed.items():
        setattr(note, name, value)
    note.version += 1
    note.updated_by = actor
    note.signed_off_at, note.signed_off_by_uid, note.signed_off_by_name = None, "", ""
    note.save()
    _version_snapshot(note)
    return note


@transaction.atomic
def clinical_note_write(
    *, note: ClinicalNote | None, result: NoteResult, template_key: str, language: str, actor: str,
    summary: str = "", clinician_notes: str = "", recording=None, turn_segments: Sequence[int | None] | None = None,
) -> ClinicalNote:
    """Store a generated note: a new note (version 1), or a new version of ``note``, with the
    result's evidence (see :func:`note_evidence` for ``turn_segments``)."""
    fields = dict(
        template_key=template_key, language=language, engine=result.engine, content=result.markdown,
        sections=dict(result.sections), ai_generated_content=dict(result.sections), summary=summary,
        clinician_notes=clinician_notes, evidence=note_evidence(result, turn_segments),
    )
    if note is None:
        note = ClinicalNote.objects.create(recording=recording, version=1, updated_by=actor, **fields)
        _version_snapshot(note)
        return note
    note = ClinicalNote.objects.select_for_update().get(pk=note.pk)
    return _note_new_version(note, fields, actor=actor)


@transaction.atomic
def clinical_note_sign_off(*, note: ClinicalNote, clinician_uid: str, clinician_name: str) -> ClinicalNote:
    """Record that a clinician signed off the note's current version (who and when).

    Signing again by the same clinician changes nothing.

    Raises:
        ClinicalNoteConflict: the note is empty, or this version is signed off by another clinician.
    """
    from django.utils import timezone

    note = ClinicalNote.objects.select_for_update().get(pk=note.pk)
    if note.signed_off_at is not None:
        if note.signed_off_by_uid == clinician_uid:
            return note
        raise ClinicalNoteConflict(f"Version {note.version} is already signed off by {note.signed_off_by_name}")
    if not note.content.strip():
        raise ClinicalNoteConflict("An empty note cannot be signed off")
    note.signed_off_at, note.signed_off_by_uid, note.signed_off_by_name = timezone.now(), clinician_uid, clinician_name
    note.save(update_fields=["signed_off_at", "signed_off_by_uid", "signed_off_by_name", "updated_at"])
    ClinicalNoteVersion.objects.filter(note=note, version=note.version).update(
        signed_off_at=note.signed_off_at, signed_off_by_uid=clinician_uid, signed_off_by_name=clinician_name,
    )
    return note


def clinical_note_get(*, note_id: str) -> ClinicalNote | None:
    """The current clinic's note with public id ``note_id`` (a UUID), or ``None``."""
    if not _is_uuid(note_id):
        return None
    return ClinicalNote.objects.filter(uuid=note_id).first()


def transcription_record_get(*, transcription_id: str):
    """The current clinic's stored transcription with public id ``transcription_id``, or ``None``."""
    from transcription.models import TranscriptionRecord

    if not _is_uuid(transcription_id):
        return None
    return TranscriptionRecord.objects.filter(uuid=transcription_id).first()


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


# --- ICD-10-CM diagnosis suggestions ------------------------------------------------------------------


def _llm_key(clinic) -> str | None:
    """The OpenAI key to use for ``clinic`` when its note engine choice uses the LLM, else ``None``."""
    choice = getattr(clinic, "note_engine", "auto")
    api_key = getattr(clinic, "openai_api_key", "") or settings.OPENAI_API_KEY
    if choice == "openai" or (choice == "auto" and api_key):
        return api_key
    return None


def diagnosis_suggest(*, clinic, sources, language: str = "en"):
    """ICD-10-CM suggestions for ``sources`` (:class:`notes.diagnosis.base.SourceText`).

    The LLM when the clinic's note engine uses it (``note_engine`` auto with a key, or openai), else
    the offline matcher; the offline matcher also answers when the LLM fails and the clinic allows
    the fallback.

    Returns:
        ``(engine_name, [DiagnosisSuggestion, ...])``.
    Raises:
        DiagnosisError: the LLM failed and no fallback is allowed.
    """
    from notes.diagnosis.base import DiagnosisError
    from notes.diagnosis.offline import OfflineDiagnosisSuggester

    api_key = _llm_key(clinic)
    if api_key is not None:
        from notes.providers.openai_assistant import OpenAIDiagnosisSuggester

        try:
            suggester = OpenAIDiagnosisSuggester(api_key=api_key, model=settings.OPENAI_MODEL,
                                                 base_url=settings.OPENAI_BASE_URL,
                                                 timeout=settings.OPENAI_TIMEOUT_SECONDS)
            return suggester.name, suggester.suggest(sources, language=language)
        except DiagnosisError as exc:
            logger.warning("LLM diagnosis suggestion failed (permanent=%s): %s", exc.permanent, exc.message)
            if not getattr(clinic, "allow_offline_fallback", True):
                raise
    offline = OfflineDiagnosisSuggester()
    return offline.name, offline.suggest(sources, language=language)


# --- threads and runs ---------------------------------------------------------------------------------


class ThreadBusy(Exception):
    """The thread already has a run pending or running."""


class ThreadExists(Exception):
    """A thread with the requested id already exists."""


def thread_get(*, thread_id: str) -> Thread | None:
    """The current clinic's thread with public id ``thread_id`` (a UUID), or ``None``."""
    if not _is_uuid(thread_id):
        return None
    return Thread.objects.filter(uuid=thread_id).first()


def run_get(*, thread: Thread, run_id: str) -> Run | None:
    if not _is_uuid(run_id):
        return None
    return Run.objects.filter(thread=thread, uuid=run_id).first()


def thread_create(*, actor: str, metadata: dict | None = None, thread_id: str | None = None, doctor_ref: str = "",
                  patient_ref: str = "") -> Thread:
    """A new, empty thread; ``thread_id`` (a UUID) when the client chooses it (LangGraph ``threads.create``).

    Raises:
        ThreadExists: ``thread_id`` is taken by another thread of this clinic (each clinic has its own ids).
    """
    fields = dict(created_by=actor, metadata=metadata or {}, doctor_ref=doctor_ref, patient_ref=patient_ref)
    if thread_id is None:
        return Thread.objects.create(**fields)
    from django.db import IntegrityError

    try:
        with transaction.atomic():
            return Thread.objects.create(uuid=thread_id, **fields)
    except IntegrityError:
        raise ThreadExists(f"Thread {thread_id} already exists") from None


@transaction.atomic
def run_create(*, clinic, thread: Thread, messages: list[dict], config: dict, actor: str, assistant_id: str = "",
               metadata: dict | None = None, doctor_ref: str = "", patient_ref: str = "") -> Run:
    """Start a run: its input messages join the thread's history and the run is queued for a worker.

    ``assistant_id`` picks what the run does (:data:`notes.assistant.ASSISTANTS`: ``scribe`` decides
    from the input, ``extraction`` writes a note, ``chat`` answers); ``doctor_ref`` / ``patient_ref``
    are the ``x-doctor`` / ``x-patient`` headers.

    Raises:
        ThreadBusy: another run of the thread is pending or running (runs of a thread are sequential
            so each one sees the whole history before it).
    """
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    busy = thread.runs.filter(status__in=[Run.Status.PENDING, Run.Status.RUNNING]).first()
    if busy is not None:
        raise ThreadBusy(f"Thread is busy with run {busy.uuid}; join it before starting another")
    run = Run.objects.create(
        thread=thread, assistant_id=assistant_id, input={"messages": messages}, config=config,
        metadata=metadata or {}, created_by=actor, doctor_ref=doctor_ref, patient_ref=patient_ref,
    )
    _messages_append(thread, [(m["role"], m["content"], None) for m in messages], run=run)
    thread.status = Thread.Status.BUSY
    thread.save(update_fields=["status", "updated_at"])
    from notes.tasks import execute_run

    schema_name, run_id = clinic.schema_name, run.id
    transaction.on_commit(lambda: execute_run.delay(schema_name, run_id), robust=True)
    return run


def _messages_append(thread: Thread, items: list[tuple[str, str, dict | None]], *, run: Run | None) -> None:
    last = thread.messages.order_by("-index").values_list("index", flat=True).first()
    start = 0 if last is None else last + 1
    Message.objects.bulk_create(
        Message(thread=thread, run=run, index=start + i, role=role, content=content, data=data)
        for i, (role, content, data) in enumerate(items)
    )


def run_execute(*, clinic, run_id: int) -> str:
    """Execute a pending run (claimed with a conditional update, so a redelivered task does nothing).

    Success stores the output on the run and appends the assistant's message to the thread;
    failure stores the error and whether a retry may help. Returns the final status.
    """
    from django.utils import timezone

    claimed = Run.objects.filter(id=run_id, status=Run.Status.PENDING).update(
        status=Run.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return "skipped"
    run = Run.objects.select_related("thread").get(id=run_id)
    try:
        reply = _assistant_reply(clinic=clinic, run=run)
    except Exception as exc:  # noqa: BLE001 - a run must end in a status, whatever failed
        permanent = bool(getattr(exc, "permanent", False))
        message = getattr(exc, "message", None) or "Run failed unexpectedly"
        if not hasattr(exc, "message"):
            logger.exception("Run %s crashed", run.uuid)
        with transaction.atomic():
            Run.objects.filter(pk=run.pk).update(status=Run.Status.ERROR, error=message, error_permanent=permanent,
                                                 finished_at=timezone.now())
            Thread.objects.filter(pk=run.thread_id).update(status=Thread.Status.ERROR, updated_at=timezone.now())
        return Run.Status.ERROR
    output = {"messages": [{"role": "assistant", "content": reply.content}], "engine": reply.engine}
    if reply.data is not None:
        output["clinical_note"] = reply.data
    with transaction.atomic():
        _messages_append(run.thread, [("assistant", reply.content, reply.data)], run=run)
        Run.objects.filter(pk=run.pk).update(status=Run.Status.SUCCESS, kind=reply.kind, output=output,
                                             finished_at=timezone.now())
        Thread.objects.filter(pk=run.thread_id).update(status=Thread.Status.IDLE, updated_at=timezone.now())
    return Run.Status.SUCCESS


def _assistant_reply(*, clinic, run: Run):
    """Decide what the run is (extraction or chat) and produce its reply (see :mod:`notes.assistant`)."""
    from notes import assistant
    from notes.diagnosis.base import SourceText
    from templates.selectors import TemplateNotFound, template_resolve, templates_available
    from transcription.models import TranscriptionRecord

    configurable = (run.config or {}).get("configurable") or {}
    input_messages = run.input.get("messages", [])
    history = list(run.thread.messages.order_by("index").values_list("role", "content"))
    user_texts = [m["content"] for m in input_messages if m["role"] in ("user", "system")]
    question = next((m["content"] for m in reversed(input_messages) if m["role"] == "user"), "")

    language = configurable.get("language")
    turns: list[Turn] = []
    record_id = configurable.get("transcription_id")
    if record_id:
        record = TranscriptionRecord.objects.filter(uuid=record_id).first() if _is_uuid(record_id) else None
        if record is None:
            raise NoteEngineError(f"Unknown transcription_id {record_id!r}", permanent=True)
        turns = assistant.turns_from_text(record.original_transcript, dictation_fallback=True)
        language = language or record.language_used
    new_transcript = False
    if not turns:
        for text in reversed(user_texts):
            turns = assistant.turns_from_text(text)
            if turns:
                new_transcript = True
                break
    if not turns:  # an earlier message of the thread
        for role, content in reversed(history):
            if role in ("user", "system"):
                turns = assistant.turns_from_text(content)
                if turns:
                    break
    language = assistant.language_of(language)

    templates = templates_available()
    template = None
    if configurable.get("template"):
        try:
            template = template_resolve(name=str(configurable["template"]))
        except TemplateNotFound:
            raise NoteEngineError(f"Unknown template {configurable['template']!r}", permanent=True) from None
    instruction = "\n".join(line for text in user_texts for line in text.splitlines()
                            if not assistant.turns_from_text(line))
    template = template or assistant.template_named_in(instruction, templates=templates)
    mode = assistant.assistant_mode(run.assistant_id)
    if mode == "extraction":
        if not turns:
            raise NoteEngineError("No conversation to write a note from: send the transcript in the input "
                                  "or pass config.configurable.transcription_id", permanent=True)
        wants_note = True
    elif mode == "chat":
        wants_note = False
    else:
        wants_note = template is not None or bool(assistant.EXTRACTION_WORDS.search(instruction)) or (
            (new_transcript or record_id) and "?" not in instruction)
    if turns and wants_note:
        template = template or assistant.GENERAL_TEMPLATE
        result = note_generate(clinic=clinic, turns=turns, template=template, language=language)
        data = {"template": template.key, "language": language, "engine": result.engine,
                "ai_generated_content": dict(result.sections), "markdown": result.markdown}
        return assistant.AssistantReply(kind="clinical_extraction", content=result.markdown, data=data,
                                        engine=result.engine)

    api_key = _llm_key(clinic)
    if api_key is not None:
        from notes.providers.openai_assistant import AssistantError, OpenAIChatAssistant

        try:
            chat = OpenAIChatAssistant(api_key=api_key, model=settings.OPENAI_MODEL, base_url=settings.OPENAI_BASE_URL,
                                       timeout=settings.OPENAI_TIMEOUT_SECONDS)
            answer = chat.reply([{"role": r, "content": c} for r, c in history], system_prompt=assistant.SYSTEM_PROMPT)
            return assistant.AssistantReply(kind="chat", content=answer, engine=chat.name)
        except AssistantError as exc:
            logger.warning("LLM chat failed (permanent=%s): %s", exc.permanent, exc.message)
            if not getattr(clinic, "allow_offline_fallback", True):
                raise

    template = template or assistant.GENERAL_TEMPLATE
    sections = offline_engine().generate(turns=turns, template=template, language=language).sections if turns else {}
    diagnoses = None
    if turns and assistant.CODE_WORDS.search(question):
        from notes.diagnosis.offline import OfflineDiagnosisSuggester

        sources = [SourceText(source="transcript", text=t.text, speaker=t.speaker, start_time=t.start,
                              end_time=t.end) for t in turns]
        diagnoses = [d.as_dict() for d in OfflineDiagnosisSuggester().suggest(sources, language=language)]
    answer = assistant.offline_chat_answer(question, turns=turns, note_sections=sections, template=template,
                                           diagnoses=diagnoses)
    return assistant.AssistantReply(kind="chat", content=answer, engine="offline")
