"""Doctor dashboard pages: sign-in, today's schedule, patients, appointments and the encounter.

Views stay thin: input is checked with the MediSync API's serializers or a form, then one service
or selector of ``records``/``notes``/``transcription``/``clinics`` does the work. Access rules live
in :mod:`dashboard.access`; the note review actions are in :mod:`dashboard.note_views`.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language

from clinics.selectors import clinic_user_for_login, clinic_user_list
from clinics.services import SignInRateLimited, SignInRefused, clinic_user_language_set, clinic_user_sign_in
from dashboard.access import (
    SESSION_CLINIC, clinic_admin_required, clinic_user_required, host_clinic, is_clinic_admin, own_appointments,
)
from dashboard.forms import AccountLanguageForm, AppointmentForm, PatientForm, PatientSearchForm, SignInForm
from records import selectors as record_selectors
from records import services as record_services
from records.api.serializers import AppointmentInputSerializer, PatientInputSerializer
from records.models import Appointment, Patient
from templates.selectors import templates_available

# --- signing in and out -------------------------------------------------------------------------


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


def sign_in(request: HttpRequest) -> HttpResponse:
    """``GET``: the sign-in form; ``POST``: check it with the ``/api/login`` rules and start a session.

    On a clinic's host only that clinic's users get in; on the bare host the user names the clinic.
    """
    on_host = host_clinic(request)
    form = SignInForm(request.POST or None, needs_clinic=on_host is None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            clinic_user = clinic_user_sign_in(request=request, email=form.cleaned_data["email"],
                                              password=form.cleaned_data["password"],
                                              ip=request.META.get("REMOTE_ADDR", ""))
        except SignInRateLimited as exc:
            form.add_error(None, _("Too many sign-in attempts; try again in %(seconds)s seconds.")
                           % {"seconds": exc.retry_after})
            status = 429
        except SignInRefused:
            clinic_user = None
        else:
            expected = on_host.client_id if on_host else form.cleaned_data["clinic"].strip().lower()
            if clinic_user.clinic.client_id != expected:
                clinic_user = None  # same answer as a wrong password: nothing tells which clinics exist
            else:
                login(request, clinic_user.user, backend="django.contrib.auth.backends.ModelBackend")
                request.session[SESSION_CLINIC] = clinic_user.clinic.client_id
                response = redirect(_safe_next(request, reverse("dashboard:home")))
                _remember_language(response, clinic_user.ui_language)
                return response
        if status == 200:
            form.add_error(None, _("Invalid e-mail, password or clinic."))
            status = 401
    elif request.method == "POST":
        status = 400
    return render(request, "dashboard/sign_in.html", {"form": form, "next": _safe_next(request, ""),
                                                      "host_clinic": on_host}, status=status)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """End the session (POST with CSRF, so a link elsewhere cannot sign a user out)."""
    logout(request)
    return redirect("dashboard:login")


@clinic_user_required
def password_change(request: HttpRequest) -> HttpResponse:
    """Change the signed-in user's password (Django's form: old password, validators); the session stays."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password was changed."))
        return redirect("dashboard:home")
    return render(request, "dashboard/password_change.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


# --- account: page language ------------------------------------------------------------------------


def _remember_language(response: HttpResponse, language: str) -> None:
    """Copy the user's page language to Django's language cookie (``LANGUAGE_COOKIE_*`` settings), so
    pages seen without a session (sign-in after signing out) keep it; nothing when the user follows
    the browser. While signed in, the user's field decides (``dashboard.middleware``)."""
    if language:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                            path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
                            secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                            samesite=settings.LANGUAGE_COOKIE_SAMESITE)


def _apply_language(request: HttpRequest, response: HttpResponse, language: str) -> None:
    """Show ``language`` from this answer on: activate it (the messages of this request) and keep it in
    the cookie; ``""`` (follow the browser) drops the cookie so ``Accept-Language`` decides again."""
    if language:
        translation.activate(language)
        _remember_language(response, language)
    else:
        # The browser's language as the next page will see it: without the cookie deleted below.
        request.COOKIES = {k: v for k, v in request.COOKIES.items() if k != settings.LANGUAGE_COOKIE_NAME}
        translation.activate(translation.get_language_from_request(request))
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME, path=settings.LANGUAGE_COOKIE_PATH,
                               domain=settings.LANGUAGE_COOKIE_DOMAIN)


@clinic_user_required
def account(request: HttpRequest) -> HttpResponse:
    """The signed-in user's account: name, clinic, role, the language of their pages (``POST``) and a
    link to change the password. The language follows the user to any browser (``ClinicUser.ui_language``)."""
    form = AccountLanguageForm(request.POST or None, initial={"language": request.clinic_user.ui_language})
    if request.method == "POST" and form.is_valid():
        clinic_user = clinic_user_language_set(clinic_user=request.clinic_user, language=form.cleaned_data["language"])
        response = redirect("dashboard:account")
        _apply_language(request, response, clinic_user.ui_language)
        messages.success(request, _("Your language preference was saved."))
        return response
    return render(request, "dashboard/account.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


@require_POST
def language_choose(request: HttpRequest) -> HttpResponse:
    """The language menu of every page (``language``, ``next``). Signed in as a clinic user: saved as
    their preference (as on the account page); otherwise Django's ``set_language`` (cookie)."""
    clinic_user = clinic_user_for_login(user=request.user) if request.user.is_authenticated else None
    if clinic_user is None or request.session.get(SESSION_CLINIC) != clinic_user.clinic.client_id:
        return set_language(request)
    form = AccountLanguageForm(request.POST)
    if not form.is_valid() or not form.cleaned_data["language"]:
        return HttpResponse(_("Unknown language."), status=400, content_type="text/plain; charset=utf-8")
    clinic_user = clinic_user_language_set(clinic_user=clinic_user, language=form.cleaned_data["language"])
    response = redirect(_safe_next(request, reverse("dashboard:home")))
    _apply_language(request, response, clinic_user.ui_language)
    return response


def root(request: HttpRequest) -> HttpResponse:
    """``/``: the dashboard on a clinic's host; the bare host sends people to ``/app/``."""
    if host_clinic(request) is None:
        return redirect("dashboard:home")
    return home(request)


# --- schedule and patients ----------------------------------------------------------------------


def _clinicians(clinic) -> list[tuple[str, str]]:
    return [(u.uid, u.display_name) for u in clinic_user_list(clinic=clinic, active_only=True)]


@clinic_user_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The day's schedule (today by default, ``?date=YYYY-MM-DD``): the user's own appointments, or
    the whole clinic's for a clinic admin."""
    try:
        day = datetime.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = timezone.localdate()
    appointments = own_appointments(record_selectors.appointment_list(date=day), request.clinic_user)
    names = dict(_clinicians(request.clinic)) if is_clinic_admin(request.clinic_user) else {}
    return render(request, "dashboard/home.html", {
        "day": day, "previous_day": day - datetime.timedelta(days=1), "next_day": day + datetime.timedelta(days=1),
        "is_today": day == timezone.localdate(), "clinician_names": names,
        "appointments": [(a, names.get(a.clinician_uid or a.created_by, "")) for a in appointments],
    })


@clinic_user_required
@require_GET
def patient_list(request: HttpRequest) -> HttpResponse:
    """Patients, searched by name (any words) and/or date of birth; htmx requests get the table only."""
    form = PatientSearchForm(request.GET or None)
    patients = Patient.objects.none()
    searched = False
    if form.is_valid():
        q, dob = form.cleaned_data["q"].strip(), form.cleaned_data["dob"]
        searched = bool(q or dob)
        patients = record_selectors.patient_list(search=q, date_of_birth=dob)
    elif not request.GET:
        patients = record_selectors.patient_list()
    context = {"form": form, "patients": patients[:100], "searched": searched}
    template = "dashboard/partials/patient_table.html" if request.htmx else "dashboard/patients.html"
    return render(request, template, context)


def _serializer_errors(form, errors) -> None:
    """Put a MediSync serializer's errors on the dashboard ``form`` (field names mapped)."""
    names = {"firstName": "first_name", "lastName": "last_name", "dateOfBirth": "date_of_birth", "contact": None,
             "notes_type": "notes_type", "language": "language"}
    for key, value in errors.items():
        if isinstance(value, dict):  # nested (contact.phone, contact.email)
            for sub, sub_value in value.items():
                field = sub if sub in form.fields else None
                form.add_error(field, " ".join(str(v) for v in sub_value))
            continue
        field = names.get(key, key)
        form.add_error(field if field in form.fields else None, " ".join(str(v) for v in value))


@clinic_user_required
def patient_create(request: HttpRequest) -> HttpResponse:
    """Add a patient (the MediSync API's validation: names, date of birth not in the future, E.164 phone)."""
    form = PatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        payload = PatientInputSerializer(data=form.api_payload())
        if payload.is_valid():
            patient = record_services.patient_create(data=payload.validated_data, created_by=request.clinic_user.uid)
            messages.success(request, _("Patient %(name)s added.") % {"name": patient.full_name})
            return redirect("dashboard:patient", patient_id=patient.uuid)
        _serializer_errors(form, payload.errors)
    return render(request, "dashboard/patient_form.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


def _patient(patient_id: str) -> Patient:
    patient = record_selectors.patient_get(patient_id=patient_id)
    if patient is None:
        raise Http404("No such patient")
    return patient


def _template_choices() -> list[tuple[str, str]]:
    return [(key, spec.name) for key, spec in templates_available().items()]


@clinic_user_required
def patient_detail(request: HttpRequest, patient_id: str) -> HttpResponse:
    """A patient, their appointments (the user's own for a clinician) and a form to schedule one."""
    patient = _patient(patient_id)
    admin = is_clinic_admin(request.clinic_user)
    form = AppointmentForm(request.POST or None, templates=_template_choices(),
                           clinicians=_clinicians(request.clinic) if admin else None,
                           initial={"date": timezone.localdate(), "time": timezone.localtime().strftime("%H:%M"),
                                    "notes_type": "general_consultation", "language": "en"})
    if request.method == "POST" and form.is_valid():
        payload = AppointmentInputSerializer(data=form.api_payload(str(patient.uuid)))
        if payload.is_valid():
            data = dict(payload.validated_data)
            data.pop("patient_id")
            clinician = form.cleaned_data.get("clinician") if admin else request.clinic_user.uid
            try:
                appointment = record_services.appointment_create(
                    patient=patient, data={**data, "clinician_uid": clinician or ""},
                    created_by=request.clinic_user.uid)
            except record_services.RecordInvalid as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Appointment scheduled."))
                return redirect("dashboard:encounter", appointment_id=appointment.uuid)
        else:
            _serializer_errors(form, payload.errors)
    appointments = own_appointments(record_selectors.appointment_list(patient=patient), request.clinic_user)
    return render(request, "dashboard/patient.html", {"patient": patient, "form": form,
                                                      "appointments": appointments.order_by("-date", "-time")},
                  status=400 if request.method == "POST" else 200)


# --- clinic users (clinic admin) -----------------------------------------------------------------


@clinic_admin_required
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    """The clinic's users and their roles (clinic admins only)."""
    return render(request, "dashboard/users.html", {"users": clinic_user_list(clinic=request.clinic)})


def appointment_for(request: HttpRequest, appointment_id: str) -> Appointment:
    """The appointment ``appointment_id`` if the signed-in user may see it, else 404 (also for another
    clinic's id, which does not exist in this clinic's schema)."""
    appointment = record_selectors.appointment_get(appointment_id=appointment_id)
    if appointment is None or not own_appointments(
            Appointment.objects.filter(pk=appointment.pk), request.clinic_user).exists():
        raise Http404("No such appointment")
    return appointment


def json_error(message: str, status: int) -> JsonResponse:
    """The dashboard's JSON error shape for its script calls: ``{"error": "..."}``."""
    return JsonResponse({"error": message}, status=status)
