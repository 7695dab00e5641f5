"""Serializers of the MediSync API (quickstart seed field names: camelCase for patients, snake_case elsewhere)."""

from __future__ import annotations

import phonenumbers
from django.utils import timezone
from rest_framework import serializers

from medsync.api.schema import OptionalPhoneNumberField, PastDateField, TimeOfDayField
from notes.api.serializers import NoteEvidenceFieldsMixin
from records.models import FHIR_APPOINTMENT_STATUS, Appointment, AppointmentStatus, AppointmentType, Patient
from templates.builtin import SUPPORTED_LANGUAGES
from transcription.models import Recording

# --- patients ----------------------------------------------------------------------------------


class AddressSerializer(serializers.Serializer):
    street = serializers.CharField(required=False, allow_blank=True, max_length=200)
    city = serializers.CharField(required=False, allow_blank=True, max_length=100)
    zipCode = serializers.CharField(required=False, allow_blank=True, max_length=20)  # noqa: N815
    country = serializers.CharField(required=False, allow_blank=True, max_length=100)


class InsuranceSerializer(serializers.Serializer):
    provider = serializers.CharField(required=False, allow_blank=True, max_length=200)
    policyNumber = serializers.CharField(required=False, allow_blank=True, max_length=100)  # noqa: N815


class ContactSerializer(serializers.Serializer):
    phone = OptionalPhoneNumberField(required=False, max_length=40,
                                     help_text="International format, e.g. +49 30 12345678; stored as E.164.")
    email = serializers.EmailField(required=False, allow_blank=True)

    def validate_phone(self, value: str) -> str:
        if not value:
            return value
        try:
            number = phonenumbers.parse(value, None)
        except phonenumbers.NumberParseException:
            raise serializers.ValidationError("use the international format, e.g. +49 30 12345678") from None
        if not phonenumbers.is_possible_number(number):
            raise serializers.ValidationError("not a possible phone number")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class PatientInputSerializer(serializers.Serializer):
    """``firstName``/``lastName`` (seed), or a single ``name``; everything else optional."""

    firstName = serializers.CharField(required=False, allow_blank=True, max_length=150)  # noqa: N815
    lastName = serializers.CharField(required=False, allow_blank=True, max_length=150)  # noqa: N815
    name = serializers.CharField(required=False, allow_blank=True, max_length=300,
                                 help_text="Full name, when first and last names are not sent separately.")
    dateOfBirth = PastDateField(required=False, allow_null=True)  # noqa: N815
    address = AddressSerializer(required=False)
    insurance = InsuranceSerializer(required=False)
    contact = ContactSerializer(required=False)

    def validate_dateOfBirth(self, value):  # noqa: N802
        if value is not None and value > timezone.localdate():
            raise serializers.ValidationError("cannot be in the future")
        return value

    def validate(self, attrs):
        first, last, name = attrs.get("firstName", ""), attrs.get("lastName", ""), attrs.get("name", "").strip()
        if name and not (first or last):
            first, _, last = name.rpartition(" ") if " " in name else ("", "", name)
        names_given = any(k in attrs for k in ("firstName", "lastName", "name"))
        if (not self.partial or names_given) and not (first.strip() or last.strip()):
            raise serializers.ValidationError({"firstName": "a first or last name (or name) is required"})
        out = {}
        if not self.partial or names_given:
            out.update(first_name=first.strip(), last_name=last.strip())
        if "dateOfBirth" in attrs:
            out["date_of_birth"] = attrs["dateOfBirth"]
        for key in ("address", "insurance", "contact"):
            if key in attrs:
                out[key] = {k: v for k, v in attrs[key].items() if v not in ("", None)}
        return out


class PatientSerializer(serializers.ModelSerializer):
    _id = serializers.UUIDField(source="uuid")
    firstName = serializers.CharField(source="first_name")  # noqa: N815
    lastName = serializers.CharField(source="last_name")  # noqa: N815
    name = serializers.CharField(source="full_name")
    dateOfBirth = serializers.DateField(source="date_of_birth", allow_null=True)  # noqa: N815
    address = AddressSerializer()
    insurance = InsuranceSerializer()
    contact = ContactSerializer()
    createdAt = serializers.DateTimeField(source="created_at")  # noqa: N815
    updatedAt = serializers.DateTimeField(source="updated_at")  # noqa: N815

    class Meta:
        model = Patient
        fields = ["_id", "firstName", "lastName", "name", "dateOfBirth", "address", "insurance", "contact",
                  "createdAt", "updatedAt"]


class PatientOutputSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    patient = PatientSerializer()


class PatientListOutputSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    patients = PatientSerializer(many=True)
    total = serializers.IntegerField()
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()


class ListQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=200, default=50)
    offset = serializers.IntegerField(min_value=0, default=0)


class PatientListQuerySerializer(ListQuerySerializer):
    search = serializers.CharField(required=False, allow_blank=True, max_length=100)


# --- appointments -------------------------------------------------------------------------------


class RecordingSerializer(serializers.ModelSerializer):
    _id = serializers.UUIDField(source="uuid")
    format = serializers.CharField(source="source_format")
    failure_reason = serializers.SerializerMethodField()

    class Meta:
        model = Recording
        fields = ["_id", "status", "failure_reason", "format", "size_bytes", "duration_seconds", "language",
                  "original_filename", "created_at", "processed_at"]

    def get_failure_reason(self, recording: Recording) -> str | None:
        return recording.failure_reason or None


class AppointmentInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    date = serializers.DateField()
    time = TimeOfDayField()
    patient_id = serializers.CharField(max_length=64, help_text="`_id` of the patient.")
    status = serializers.ChoiceField(choices=AppointmentStatus.choices, default=AppointmentStatus.PLANNED,
                                     help_text="MediSync `planned` or a FHIR AppointmentStatus code.")
    language = serializers.ChoiceField(choices=SUPPORTED_LANGUAGES, default="en",
                                       help_text="Language of the visit, its transcription and note.")
    notes_type = serializers.CharField(max_length=100, default="general_consultation",
                                       help_text='Note template: "SOAP", "BIRP", "DAP", "GIRP", '
                                                 '"general_consultation", a clinic template, or '
                                                 '"soap_clinical_notes_de" style names.')
    appointment_type = serializers.ChoiceField(choices=AppointmentType.choices, default=AppointmentType.IN_PERSON)


class AppointmentSerializer(serializers.ModelSerializer):
    _id = serializers.UUIDField(source="uuid")
    time = serializers.TimeField(format="%H:%M")
    patient_id = serializers.UUIDField(source="patient.uuid")
    patient_name = serializers.CharField(source="patient.full_name")
    fhir_status = serializers.SerializerMethodField(help_text="The FHIR AppointmentStatus of `status`.")
    recording = RecordingSerializer(allow_null=True)
    speaker_names = serializers.DictField(
        child=serializers.CharField(), read_only=True,
        help_text='Extra field: display names of the encounter\'s speakers by speaker index ("0" is SPEAKER_0), '
                  'e.g. {"0": "Dr. Ruiz", "1": "Ana"}; a speaker without a name is absent.')

    class Meta:
        model = Appointment
        fields = ["_id", "name", "date", "time", "patient_id", "patient_name", "status", "fhir_status", "language",
                  "notes_type", "appointment_type", "recording", "created_at", "updated_at", "speaker_names"]

    def get_fhir_status(self, appointment: Appointment) -> str:
        return FHIR_APPOINTMENT_STATUS[appointment.status]


class AppointmentOutputSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    appointment = AppointmentSerializer()


class AppointmentListOutputSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    appointments = AppointmentSerializer(many=True)
    total = serializers.IntegerField()
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()


class AppointmentListQuerySerializer(ListQuerySerializer):
    patient_id = serializers.CharField(required=False, max_length=64)
    date = serializers.DateField(required=False)
    status = serializers.ChoiceField(choices=AppointmentStatus.choices, required=False)


# --- recordings, transcriptions, notes, diagnosis -------------------------------------------------------


class RecordingUploadSerializer(serializers.Serializer):
    audio = serializers.FileField(help_text="WAV (recommended), MP3, M4A/MP4, WebM, OGG or FLAC; at most 500 MB.")


class RecordingOutputSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    appointment_id = serializers.UUIDField()
    recording = RecordingSerializer()


class TranscriptionItemSerializer(serializers.Serializer):
    speaker = serializers.CharField(help_text="SPEAKER_0 is the clinician (first voice), SPEAKER_1 the patient.")
    text = serializers.CharField()
    start_time = serializers.FloatField(help_text="Seconds from the start of the recording.")
    end_time = serializers.FloatField()
    confidence = serializers.FloatField(allow_null=True, help_text="Extra field: mean word probability (0-1).")
    words = serializers.ListField(child=serializers.DictField(), help_text=(
        "Extra field: `{text, start, end, confidence}` per word; confidence below 0.4 marks an uncertain word."))
    speaker_name = serializers.CharField(allow_null=True, help_text=(
        "Extra field: the display name given to this speaker for the encounter (dashboard), or null."))


class TranscriptionOutputSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    transcription = TranscriptionItemSerializer(many=True)


class TranscriptionPendingSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    status = serializers.ChoiceField(choices=["uploaded", "processing", "failed"])
    error = serializers.CharField()


class NoteInputSerializer(serializers.Serializer):
    notes = serializers.CharField(required=False, allow_blank=True, help_text="The clinician's own notes.")
    summary = serializers.CharField(required=False, allow_blank=True, help_text="Brief summary of the consultation.")


class StoredEvidenceSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=["note", "transcript"])
    text = serializers.CharField()
    section = serializers.CharField(required=False)
    speaker = serializers.CharField(required=False, allow_null=True)
    start_time = serializers.FloatField(required=False, allow_null=True)
    end_time = serializers.FloatField(required=False, allow_null=True)


class StoredDiagnosisSerializer(serializers.Serializer):
    """An ICD-10-CM suggestion kept on the note with the clinician's decision on it."""

    code = serializers.CharField()
    description = serializers.CharField()
    confidence = serializers.FloatField()
    billable = serializers.BooleanField()
    evidence = StoredEvidenceSerializer(many=True)
    decision = serializers.ChoiceField(choices=["pending", "accepted", "rejected"])
    decided_by = serializers.CharField(allow_blank=True)
    decided_at = serializers.DateTimeField(allow_null=True)


class NoteSerializer(NoteEvidenceFieldsMixin, serializers.Serializer):
    _id = serializers.UUIDField(source="uuid")
    template = serializers.CharField(source="template_key")
    language = serializers.CharField()
    content = serializers.CharField(help_text="The AI-enhanced note as Markdown, one `## Heading` per section.")
    sections = serializers.DictField(child=serializers.CharField(allow_blank=True))
    notes = serializers.CharField(source="clinician_notes")
    summary = serializers.CharField()
    engine = serializers.CharField()
    version = serializers.IntegerField()
    signed_off_at = serializers.DateTimeField(allow_null=True)
    signed_off_by = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_signed_off_by(self, note) -> str | None:
        return note.signed_off_by_name or None

    # Extra fields beyond the seed: ICD-10-CM suggestions stored on the note with the clinician's decisions.
    diagnoses = StoredDiagnosisSerializer(many=True, read_only=True)


class NoteOutputSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    appointment_id = serializers.UUIDField()
    note = NoteSerializer()


class EvidenceSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=["note", "transcript"])
    text = serializers.CharField()
    section = serializers.CharField(required=False, help_text="Note section key (note evidence).")
    speaker = serializers.CharField(required=False, allow_null=True, help_text="SPEAKER_n (transcript evidence).")
    start_time = serializers.FloatField(required=False, allow_null=True)
    end_time = serializers.FloatField(required=False, allow_null=True)


class DiagnosisSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="ICD-10-CM code, valid in the code set.")
    description = serializers.CharField()
    confidence = serializers.FloatField()
    billable = serializers.BooleanField()
    evidence = EvidenceSerializer(many=True)


class DiagnosisOutputSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    appointment_id = serializers.UUIDField()
    engine = serializers.CharField(help_text="openai or offline")
    code_system = serializers.CharField()
    diagnoses = DiagnosisSerializer(many=True)
