"""MediSync API routes (``/api/...``) of patients, appointments, recordings, transcriptions and notes."""

from django.urls import path

from records.api import views

urlpatterns = [
    path("patients", views.PatientListApi.as_view(), name="medisync-patient-list"),
    path("patients/add", views.PatientAddApi.as_view(), name="medisync-patient-add"),
    path("patients/<str:patient_id>", views.PatientDetailApi.as_view(), name="medisync-patient-detail"),
    path("appointments", views.AppointmentListApi.as_view(), name="medisync-appointment-list"),
    path("appointments/add", views.AppointmentAddApi.as_view(), name="medisync-appointment-add"),
    path("appointments/<str:appointment_id>", views.AppointmentDetailApi.as_view(),
         name="medisync-appointment-detail"),
    path("recordings/add/<str:appointment_id>", views.RecordingAddApi.as_view(), name="medisync-recording-add"),
    path("transcriptions/<str:appointment_id>", views.TranscriptionApi.as_view(), name="medisync-transcription"),
    path("notes/add/<str:appointment_id>", views.NoteAddApi.as_view(), name="medisync-note-add"),
    path("notes/diagnosis/<str:appointment_id>", views.DiagnosisApi.as_view(), name="medisync-diagnosis"),
    path("notes/<str:appointment_id>", views.NoteGetApi.as_view(), name="medisync-note"),
    path("notes/<str:appointment_id>/fhir", views.NoteFhirApi.as_view(), name="medisync-note-fhir"),
]
