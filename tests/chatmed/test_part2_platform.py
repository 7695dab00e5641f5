"""Platform rules on the part-2 endpoints: plan access, limit headers, sandbox separation and wipe."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django_tenants.utils import schema_context

from tests.chatmed.conftest import assert_error
from tests.chatmed.test_vision import jpeg_bytes

ENDPOINTS = {
    "speech": ("post", "/api/v1/speech/transcribe"),
    "video": ("post", "/api/v1/consultations/video/create"),
    "vision": ("post", "/api/v1/medical-vision/analyze"),
}


@pytest.mark.parametrize("group", sorted(ENDPOINTS))
def test_plan_can_exclude_each_new_endpoint_group(cm, cm_other, group):
    from clinics.models import PlanEndpointAccess
    from clinics.selectors import plan_access_cache_clear

    PlanEndpointAccess.objects.create(plan="professional", endpoint=group, allowed=False)
    plan_access_cache_clear()
    method, url = ENDPOINTS[group]
    response = getattr(cm, method)(url, {}, format="json")
    assert_error(response, 403, "forbidden")
    assert response["X-RateLimit-Limit"] == "300"
    # The starter plan's clinic is not affected (no row for its plan).
    assert getattr(cm_other, method)(url, {}, format="json").status_code != 403


def test_limit_headers_on_new_endpoints(cm):
    response = cm.post("/api/v1/consultations/video/create", {"doctor_id": "d", "patient_id": "p"}, format="json")
    assert response.status_code == 200 and response["X-RateLimit-Remaining"].isdigit()
    assert response["X-Request-ID"].startswith("req_")


def test_sandbox_rows_are_apart_and_wiped_with_their_files(cm, cm_test, clinic, django_capture_on_commit_callbacks):
    from chatmed.models import ImageAnalysis, VideoConsultation, WaitingRoomEntry

    live_room = cm.post("/api/v1/consultations/video/create", {"doctor_id": "d", "patient_id": "p"},
                        format="json").json()
    test_room = cm_test.post("/api/v1/consultations/video/create", {"doctor_id": "d", "patient_id": "p"},
                             format="json").json()
    assert_error(cm.get(f"/api/v1/consultations/video/{test_room['session_id']}/status"), 404, "not_found")
    cm_test.post("/api/v1/consultations/waiting-room", {"doctor_id": "d", "patient_id": "p"}, format="json")
    image = cm_test.post("/api/v1/medical-vision/analyze",
                         {"image": SimpleUploadedFile("a.jpg", jpeg_bytes(), content_type="image/jpeg")},
                         format="multipart").json()
    with schema_context(clinic.schema_name):
        stored = ImageAnalysis.objects.get(public_id=image["analysis_id"]).image
        path = stored.path
    import os

    assert os.path.exists(path)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("chatmed_wipe_sandbox", "clinic-a", stdout=out)
    text = out.getvalue()
    assert "1 video_consultations" in text and "1 waiting_room_entries" in text and "1 image_analyses" in text
    assert not os.path.exists(path)
    with schema_context(clinic.schema_name):
        assert list(VideoConsultation.objects.values_list("public_id", flat=True)) == [live_room["session_id"]]
        assert not WaitingRoomEntry.objects.filter(is_sandbox=True).exists()
