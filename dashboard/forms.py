"""Dashboard forms. Field rules of patients and appointments are the MediSync API's serializers
(``records.api.serializers``): a form only collects the fields and hands them over."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from records.models import AppointmentType
from templates.builtin import SUPPORTED_LANGUAGES

LANGUAGE_NAMES = {"en": "English", "es": "Español", "ca": "Català", "fr": "Français", "pt": "Português",
                  "de": "Deutsch", "it": "Italiano"}


class SignInForm(forms.Form):
    """E-mail and password of a clinic user; ``clinic`` (its client id) only on the bare host."""

    clinic = forms.CharField(label=_("Clinic"), max_length=60, required=False,
                             help_text=_("Your clinic's identifier, e.g. dental-plus."))
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    password = forms.CharField(label=_("Password"), max_length=256, strip=False, widget=forms.PasswordInput)

    def __init__(self, *args, needs_clinic: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clinic"].required = needs_clinic
        if not needs_clinic:
            del self.fields["clinic"]
        self.fields["email"].widget.attrs.update(autocomplete="username", autofocus=True)
        self.fields["password"].widget.attrs.update(autocomplete="current-password")


class AccountLanguageForm(forms.Form):
    """The language of the user's dashboard pages: one of ``settings.LANGUAGES`` (the languages the
    dashboard has translations for), or empty to follow the browser's."""

    language = forms.ChoiceField(label=_("Language of the pages"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("The browser's language")), *settings.LANGUAGES]


class PatientSearchForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    dob = forms.DateField(label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class PatientForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False,
                            help_text=_("International format, e.g. +34 912 345 678"))
    email = forms.EmailField(label=_("E-mail"), required=False)

    def api_payload(self) -> dict:
        """The form as a ``POST /api/patients/add`` body."""
        d = self.cleaned_data
        body: dict = {"firstName": d["first_name"], "lastName": d["last_name"],
                      "dateOfBirth": d["date_of_birth"].isoformat() if d["date_of_birth"] else None}
        contact = {k: d[k] for k in ("phone", "email") if d[k]}
        if contact:
            body["contact"] = contact
        return body


class AppointmentForm(forms.Form):
    name = forms.CharField(label=_("Reason for visit"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}))
    notes_type = forms.ChoiceField(label=_("Note template"))
    language = forms.ChoiceField(label=_("Visit language"),
                                 choices=[(code, LANGUAGE_NAMES.get(code, code)) for code in SUPPORTED_LANGUAGES])
    appointment_type = forms.ChoiceField(label=_("Type"), choices=AppointmentType.choices)
    clinician = forms.ChoiceField(label=_("Clinician"), required=False)

    def __init__(self, *args, templates: list[tuple[str, str]], clinicians: list[tuple[str, str]] | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notes_type"].choices = templates
        if clinicians is None:
            del self.fields["clinician"]
        else:
            self.fields["clinician"].choices = [("", "—")] + clinicians

    def api_payload(self, patient_id: str) -> dict:
        """The form as a ``POST /api/appointments/add`` body."""
        d = self.cleaned_data
        return {"name": d["name"], "date": d["date"].isoformat(), "time": d["time"].strftime("%H:%M"),
                "patient_id": patient_id, "notes_type": d["notes_type"], "language": d["language"],
                "appointment_type": d["appointment_type"]}
