"""POST /api/v1/medical-vision/analyze: validation, de-identification, the model's answer and its errors."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.chatmed.conftest import assert_error
from tests.http_server import LocalHttpServer

URL = "/api/v1/medical-vision/analyze"


def png_bytes(width=64, height=48) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (width, height), (30, 30, 30))
    image.paste((200, 200, 200), (10, 10, 30, 30))
    image.save(out, format="PNG", pnginfo=_pnginfo())
    return out.getvalue()


def _pnginfo():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Jane Patient DOB 1970-01-01")
    return info


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (120, 50, 40)).save(out, format="JPEG")
    return out.getvalue()


def dicom_bytes(*, modality="CR", body_part="CHEST", rows=64, columns=48) -> bytes:
    """A real DICOM Part 10 file built with pydicom: a 16-bit monochrome radiograph with patient identifiers."""
    from pydicom.dataset import FileDataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.1"  # Computed Radiography Image Storage
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset("xray.dcm", {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID, ds.SOPInstanceUID = meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.PatientName, ds.PatientID, ds.PatientBirthDate = "Doe^Jane", "MRN-123456", "19700101"
    ds.PatientAddress, ds.InstitutionName = "1 Main Street", "General Hospital"
    ds.ReferringPhysicianName, ds.StudyDate = "House^Gregory", "20250115"
    ds.Modality, ds.BodyPartExamined = modality, body_part
    ds.PixelSpacing = [0.143, 0.143]
    ds.Rows, ds.Columns = rows, columns
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    ds.add_new(0x00091001, "LO", "private vendor note with patient name")  # private tag
    pixels = (np.arange(rows * columns, dtype=np.uint16).reshape(rows, columns) % 4096)
    ds.PixelData = pixels.tobytes()
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    return out.getvalue()


def upload(data: bytes, name: str, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def vision_server(settings):
    """A real OpenAI-compatible chat-completions server answering with structured findings."""
    answer = {"findings": "Rounded opacity in the right upper zone; no pleural effusion.", "confidence": 0.71,
              "regions_of_interest": [{"label": "opacity", "x": 0.1, "y": 0.2, "width": 0.3, "height": 0.25,
                                       "confidence": 0.66}]}
    state = {"content": json.dumps(answer)}

    def handler(method, path, headers, body):
        payload = {"id": "c1", "object": "chat.completion", "created": 0, "model": "vision-test",
                   "choices": [{"index": 0, "finish_reason": "stop",
                                "message": {"role": "assistant", "content": state["content"]}}]}
        return 200, {"Content-Type": "application/json"}, json.dumps(payload).encode()

    server = LocalHttpServer(handler)
    settings.CHATMED_VISION_MODEL = "vision-test"
    settings.CHATMED_VISION_BASE_URL = server.url + "/v1"
    settings.CHATMED_VISION_API_KEY = "sk-local"
    server.state = state
    yield server
    server.close()


def test_offline_dicom_is_validated_then_503_with_metadata(cm, clinic):
    from django_tenants.utils import schema_context

    from chatmed.models import ImageAnalysis

    response = cm.post(URL, {"image": upload(dicom_bytes(), "xray.dcm", "application/dicom"),
                             "analysis_type": "chest_xray"}, format="multipart")
    assert response.status_code == 503, response.content
    body = response.json()
    assert body["error"] == "service_unavailable" and body["code"] == 503
    assert "no image analysis model is configured" in body["message"].lower()
    assert body["image"]["modality"] == "CR" and body["image"]["body_part"] == "CHEST"
    assert body["image"]["pixel_spacing_mm"] == [0.143, 0.143]
    assert (body["image"]["width"], body["image"]["height"]) == (48, 64)
    assert "findings" not in body  # never invented
    # The stored copy is de-identified.
    import pydicom

    with schema_context(clinic.schema_name):
        analysis = ImageAnalysis.objects.get(public_id=body["analysis_id"])
        assert analysis.status == "unavailable" and analysis.findings == ""
        stored = pydicom.dcmread(analysis.image.open("rb"))
    assert str(stored.PatientName) == "" and stored.PatientID == "" and stored.PatientBirthDate == ""
    assert "PatientAddress" not in stored and "InstitutionName" not in stored
    assert not any(element.tag.is_private for element in stored)
    assert stored.PatientIdentityRemoved == "YES"
    assert stored.Modality == "CR"
    assert stored.pixel_array.shape == (64, 48)


def test_model_answer_is_validated_and_returned(cm, vision_server):
    response = cm.post(URL, {"image": upload(dicom_bytes(), "xray.dcm", "application/dicom"),
                             "analysis_type": "chest_xray", "language": "en"}, format="multipart")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["analysis_id"].startswith("vis_") and body["analysis_type"] == "chest_xray"
    assert body["findings"].startswith("Rounded opacity") and body["confidence"] == 0.71
    assert body["regions_of_interest"][0]["label"] == "opacity"
    assert "radiologist" in body["disclaimer"]
    # What the model received: an image, and no patient identifier.
    method, path, headers, raw = vision_server.requests[-1]
    assert path.endswith("/chat/completions")
    sent = json.loads(raw)
    assert sent["model"] == "vision-test" and sent["response_format"] == {"type": "json_object"}
    content = sent["messages"][1]["content"]
    assert content[1]["image_url"]["url"].startswith("data:image/png;base64,")
    assert "Doe" not in raw.decode() and "MRN-123456" not in raw.decode()


@pytest.mark.parametrize("content", ["I think it is pneumonia.", json.dumps({"findings": "x", "confidence": 3}),
                                     json.dumps({"findings": "", "confidence": 0.5}),
                                     json.dumps({"findings": "x", "confidence": 0.5,
                                                 "regions_of_interest": [{"label": "a", "x": 0.9, "y": 0, "width": 0.5,
                                                                          "height": 0.1}]})])
def test_malformed_model_answer_is_a_clean_503(cm, vision_server, content):
    vision_server.state["content"] = content
    response = cm.post(URL, {"image": upload(png_bytes(), "skin.png", "image/png"), "analysis_type": "dermatology"},
                       format="multipart")
    assert response.status_code == 503
    body = response.json()
    assert body["error"] == "service_unavailable" and "malformed" in body["message"]
    assert body["image"]["format"] == "png" and "findings" not in body


def test_sandbox_key_never_reaches_the_model(cm_test, vision_server):
    response = cm_test.post(URL, {"image": upload(jpeg_bytes(), "a.jpg", "image/jpeg")}, format="multipart")
    assert response.status_code == 503 and "Sandbox" in response.json()["message"]
    assert vision_server.requests == []


def test_png_metadata_is_stripped(cm, clinic):
    from django_tenants.utils import schema_context

    from chatmed.models import ImageAnalysis

    response = cm.post(URL, {"image": upload(png_bytes(), "lesion.png", "image/png")}, format="multipart")
    assert response.status_code == 503
    with schema_context(clinic.schema_name):
        stored = ImageAnalysis.objects.get(public_id=response.json()["analysis_id"]).image.open("rb").read()
    assert b"Jane Patient" not in stored and Image.open(io.BytesIO(stored)).size == (64, 48)


@pytest.mark.parametrize("data,name,ctype,needle", [
    (png_bytes(), "scan.jpg", "image/jpeg", "claims to be JPEG but its content is PNG"),
    (jpeg_bytes(), "scan.dcm", "application/dicom", "claims to be DICOM"),
    (b"%PDF-1.7 not an image" * 10, "scan.png", "image/png", "not a JPEG, PNG or DICOM"),
    (png_bytes()[:60], "scan.png", "image/png", "corrupt"),
    (dicom_bytes()[:400], "scan.dcm", "application/dicom", "DICOM"),
    (b"", "scan.png", "image/png", "empty"),
])
def test_bad_images_are_422(cm, data, name, ctype, needle):
    response = cm.post(URL, {"image": upload(data, name, ctype)}, format="multipart")
    body = assert_error(response, 422, "validation_error")
    assert needle in body["message"]


def test_missing_image_and_bad_analysis_type(cm):
    assert_error(cm.post(URL, {"analysis_type": "general"}, format="multipart"), 400, "bad_request")
    body = assert_error(cm.post(URL, {"image": upload(jpeg_bytes(), "a.jpg", "image/jpeg"), "analysis_type": "ct"},
                                format="multipart"), 422, "validation_error")
    assert "analysis_type" in body["message"]


def test_image_over_10_mb_is_413(cm, settings):
    big = upload(b"\xff\xd8\xff" + b"\0" * (10 * 1024 * 1024 + 10), "big.jpg", "image/jpeg")
    assert_error(cm.post(URL, {"image": big}, format="multipart"), 413, "payload_too_large")


def test_auth_and_isolation(cm, cm_other, anon_client):
    assert_error(anon_client.post(URL, {"image": upload(jpeg_bytes(), "a.jpg", "image/jpeg")}, format="multipart"),
                 401, "unauthorized")
    first = cm.post(URL, {"image": upload(jpeg_bytes(), "a.jpg", "image/jpeg")}, format="multipart").json()
    from django_tenants.utils import schema_context

    from chatmed.models import ImageAnalysis
    from clinics.models import Clinic

    other = Clinic.objects.get(client_id="clinic-b")
    with schema_context(other.schema_name):
        assert not ImageAnalysis.objects.filter(public_id=first["analysis_id"]).exists()
    cm_other.post(URL, {"image": upload(jpeg_bytes(), "a.jpg", "image/jpeg")}, format="multipart")
    with schema_context(other.schema_name):
        assert ImageAnalysis.objects.count() == 1


def test_jpeg_exif_is_stripped(cm, clinic):
    from django_tenants.utils import schema_context

    from chatmed.models import ImageAnalysis

    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010E] = "Jane Patient, MRN 123456"  # ImageDescription
    Image.new("RGB", (40, 30), (90, 60, 50)).save(out, format="JPEG", exif=exif)
    assert b"Jane Patient" in out.getvalue()
    response = cm.post(URL, {"image": upload(out.getvalue(), "mole.jpeg", "image/jpeg"),
                             "analysis_type": "dermatology"}, format="multipart")
    assert response.status_code == 503 and response.json()["image"]["format"] == "jpeg"
    with schema_context(clinic.schema_name):
        stored = ImageAnalysis.objects.get(public_id=response.json()["analysis_id"]).image.open("rb").read()
    assert b"Jane Patient" not in stored and Image.open(io.BytesIO(stored)).size == (40, 30)
