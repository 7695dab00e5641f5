"""Clinical documentation workflow routes (``/v1/...``).

``transcriptions/create`` is the original workflow's path; ``transcriptions`` and ``threads...`` are
the earlier paths, kept (the original's threads and runs are under ``/v1/lang-graph``, see
:mod:`notes.api.langgraph_urls`).
"""

from django.urls import path

from notes.api import views

urlpatterns = [
    path("transcriptions/create", views.OriginalTranscriptionCreateApi.as_view(),
         name="workflow-transcription-create-original"),
    path("transcriptions", views.TranscriptionCreateApi.as_view(), name="workflow-transcription-create"),
    path("transcriptions/<str:transcription_id>", views.TranscriptionDetailApi.as_view(),
         name="workflow-transcription-detail"),
    path("threads", views.ThreadCreateApi.as_view(), name="workflow-thread-create"),
    path("threads/<str:thread_id>", views.ThreadDetailApi.as_view(), name="workflow-thread-detail"),
    path("threads/<str:thread_id>/runs", views.RunCreateApi.as_view(), name="workflow-run-create"),
    path("threads/<str:thread_id>/runs/<str:run_id>", views.RunDetailApi.as_view(), name="workflow-run-detail"),
    path("threads/<str:thread_id>/runs/<str:run_id>/join", views.RunJoinApi.as_view(), name="workflow-run-join"),
    path("clinical-notes/<str:note_id>", views.ClinicalNoteDetailApi.as_view(), name="workflow-clinical-note"),
    path("clinical-notes/<str:note_id>/versions", views.ClinicalNoteVersionsApi.as_view(),
         name="workflow-clinical-note-versions"),
    path("clinical-notes/<str:note_id>/sign-off", views.ClinicalNoteSignOffApi.as_view(),
         name="workflow-clinical-note-sign-off"),
]
