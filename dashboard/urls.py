"""Dashboard routes, mounted at ``/app/`` (and ``/`` of a clinic's host, see ``medsync.urls``)."""

from django.urls import path

from dashboard import note_views, views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="login"),
    path("sign-out/", views.sign_out, name="logout"),
    path("password/", views.password_change, name="password"),
    path("language/", views.language_choose, name="language"),
    path("account/", views.account, name="account"),
    path("patients/", views.patient_list, name="patients"),
    path("patients/new/", views.patient_create, name="patient-new"),
    path("patients/<str:patient_id>/", views.patient_detail, name="patient"),
    path("users/", views.user_list, name="users"),
    path("encounters/<str:appointment_id>/", note_views.encounter, name="encounter"),
    path("encounters/<str:appointment_id>/recording/", note_views.recording_upload, name="recording-upload"),
    path("encounters/<str:appointment_id>/status/", note_views.recording_status, name="recording-status"),
    path("encounters/<str:appointment_id>/speakers/", note_views.speaker_names_save, name="speaker-names"),
    path("encounters/<str:appointment_id>/live/", note_views.live_attach, name="live-attach"),
    path("encounters/<str:appointment_id>/note/generate/", note_views.note_generate, name="note-generate"),
    path("encounters/<str:appointment_id>/note/section/", note_views.note_section_save, name="note-section"),
    path("encounters/<str:appointment_id>/note/versions/", note_views.note_versions, name="note-versions"),
    path("encounters/<str:appointment_id>/note/restore/", note_views.note_restore, name="note-restore"),
    path("encounters/<str:appointment_id>/note/sign/", note_views.note_sign, name="note-sign"),
    path("encounters/<str:appointment_id>/note/feedback/", note_views.note_feedback, name="note-feedback"),
    path("encounters/<str:appointment_id>/note/pdf/", note_views.note_pdf_download, name="note-pdf"),
    path("encounters/<str:appointment_id>/note/fhir/", note_views.note_fhir_download, name="note-fhir"),
    path("encounters/<str:appointment_id>/diagnoses/", note_views.diagnoses_suggest, name="diagnoses"),
    path("encounters/<str:appointment_id>/diagnoses/decide/", note_views.diagnosis_decide, name="diagnosis-decide"),
]
