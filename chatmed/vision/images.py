"""Validate, describe and de-identify a medical image upload (JPEG, PNG, DICOM).

* The format is sniffed from the content (magic numbers: JPEG ``FF D8 FF``, PNG's 8-byte signature,
  DICOM Part 10 ``DICM`` at offset 128 — DICOM PS3.10 §7.1); a declared type (file name extension or
  ``Content-Type``) that disagrees is refused: a file must be what it claims.
* Every image is parsed for real: Pillow decodes JPEG/PNG in full; pydicom reads DICOM and its pixel
  data (modality, body part, pixel spacing, dimensions).
* De-identification: DICOM attributes of the Basic Application Level Confidentiality Profile
  (DICOM PS3.15 Annex E, Table E.1-1: patient, physician, institution, dates, UIDs) are removed or
  emptied, private tags removed, and ``PatientIdentityRemoved`` set; JPEG/PNG are re-encoded from
  pixels only, so EXIF/XMP/text chunks (which can carry names, dates, GPS) are dropped.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from typing import Any

#: Image formats the endpoint accepts (public names).
FORMATS = ("jpeg", "png", "dicom")
_EXTENSIONS = {".jpg": "jpeg", ".jpeg": "jpeg", ".jpe": "jpeg", ".png": "png", ".dcm": "dicom", ".dicom": "dicom"}
_CONTENT_TYPES = {"image/jpeg": "jpeg", "image/jpg": "jpeg", "image/pjpeg": "jpeg", "image/png": "png",
                  "application/dicom": "dicom", "application/dicom+binary": "dicom"}
#: Pillow refuses images above this many pixels (decompression bombs); 100 megapixels covers any radiograph.
MAX_PIXELS = 100_000_000


class ImageValidationError(ValueError):
    """The upload is not a usable JPEG/PNG/DICOM image, or not what it claims to be (message says why)."""


@dataclass
class ValidatedImage:
    """A parsed, de-identified image.

    ``format``: ``jpeg`` | ``png`` | ``dicom``; ``metadata``: JSON-safe description returned to the
    client (dimensions in pixels, ``pixel_spacing_mm`` as [row, column] mm); ``deidentified``: bytes to
    store; ``preview_png``: a PNG of the (first frame's) pixels for an image model.
    """

    format: str
    metadata: dict[str, Any]
    deidentified: bytes
    preview_png: bytes = field(repr=False)

    @property
    def extension(self) -> str:
        return {"jpeg": ".jpg", "png": ".png", "dicom": ".dcm"}[self.format]


def sniff_format(head: bytes) -> str | None:
    """The format the first bytes (≥ 132) show, or ``None`` for anything else."""
    if head[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if len(head) >= 132 and head[128:132] == b"DICM":
        return "dicom"
    return None


def declared_format(filename: str, content_type: str) -> str | None:
    """What the client claims: the extension first, else the ``Content-Type``; ``None`` when neither says."""
    ext = os.path.splitext(filename or "")[1].lower()
    if ext in _EXTENSIONS:
        return _EXTENSIONS[ext]
    return _CONTENT_TYPES.get((content_type or "").split(";")[0].strip().lower())


def validate_image(data: bytes, *, filename: str = "", content_type: str = "") -> ValidatedImage:
    """Check ``data`` is the JPEG/PNG/DICOM it claims to be, parse it and de-identify it.

    Raises:
        ImageValidationError: empty, unknown format, a declared format the content contradicts, a
            file that does not decode, an image above :data:`MAX_PIXELS`.
    """
    if not data:
        raise ImageValidationError("image: the uploaded file is empty")
    actual = sniff_format(data[:132])
    claimed = declared_format(filename, content_type)
    if actual is None:
        raise ImageValidationError("image: the file is not a JPEG, PNG or DICOM image"
                                   + (f" (it claims to be {claimed.upper()})" if claimed else ""))
    if claimed is not None and claimed != actual:
        raise ImageValidationError(f"image: the file claims to be {claimed.upper()} but its content is {actual.upper()}")
    if actual == "dicom":
        return _dicom(data)
    return _raster(data, actual)


def _raster(data: bytes, fmt: str) -> ValidatedImage:
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()  # structure and checksums (PNG CRCs)
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # decode every pixel: a truncated file fails here
            # MPO (multi-picture JPEG from cameras) is JPEG for this purpose.
            if {"mpo": "jpeg"}.get(image.format.lower(), image.format.lower()) != fmt:
                raise ImageValidationError(f"image: the content is {image.format}, not {fmt.upper()}")
            width, height, mode = image.width, image.height, image.mode
            frames = getattr(image, "n_frames", 1)
            clean = image.copy()  # pixels (and palette) only: no EXIF, XMP, ICC or text chunks are kept
            clean.info = {}
            if fmt == "jpeg" and clean.mode not in ("RGB", "L", "CMYK"):
                clean = clean.convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ImageValidationError(f"image: the {fmt.upper()} file is corrupt or truncated ({type(exc).__name__})") from None
    out = io.BytesIO()
    clean.save(out, format="JPEG" if fmt == "jpeg" else "PNG", **({"quality": 95} if fmt == "jpeg" else {}))
    preview = out.getvalue() if fmt == "png" else _png(clean)
    metadata = {"format": fmt, "width": width, "height": height, "color_mode": mode, "frames": frames,
                "size_bytes": len(data)}
    return ValidatedImage(fmt, metadata, out.getvalue(), preview)


def _png(image) -> bytes:
    out = io.BytesIO()
    (image if image.mode in ("RGB", "L") else image.convert("RGB")).save(out, format="PNG")
    return out.getvalue()


# DICOM PS3.15 (2024) Annex E, Table E.1-1, Basic Profile: attributes that identify the patient, the
# people and places involved or the dates, by keyword. "X" (remove) for most; the Type 1/2 attributes
# a valid object needs (PatientName, PatientID, StudyDate, ...) are emptied ("Z"), not removed.
_REMOVE = (
    "PatientBirthTime", "OtherPatientIDs", "OtherPatientIDsSequence", "OtherPatientNames", "PatientBirthName",
    "PatientMotherBirthName", "PatientAddress", "PatientTelephoneNumbers", "PatientTelecomInformation",
    "MilitaryRank", "BranchOfService", "MedicalRecordLocator", "EthnicGroup", "Occupation",
    "AdditionalPatientHistory", "PatientComments", "PatientReligiousPreference", "PatientInsurancePlanCodeSequence",
    "InsurancePlanIdentification", "ResponsiblePerson", "ResponsibleOrganization", "PatientSize", "PatientWeight",
    "InstitutionName", "InstitutionAddress", "InstitutionalDepartmentName", "InstitutionCodeSequence",
    "ReferringPhysicianAddress", "ReferringPhysicianTelephoneNumbers", "PhysiciansOfRecord",
    "PerformingPhysicianName", "NameOfPhysiciansReadingStudy", "OperatorsName", "RequestingPhysician",
    "ScheduledPerformingPhysicianName", "StationName", "DeviceSerialNumber", "RequestAttributesSequence",
    "AdmissionID", "IssuerOfPatientID", "CurrentPatientLocation", "PatientState", "PregnancyStatus",
    "SeriesDate", "AcquisitionDate", "ContentDate", "SeriesTime", "AcquisitionTime", "ContentTime",
    "AcquisitionDateTime", "InstanceCreationDate", "InstanceCreationTime", "ImageComments",
    "StudyDescription", "SeriesDescription", "RequestedProcedureDescription", "PerformedProcedureStepDescription",
    "ProtocolName", "DerivationDescription", "FrameComments", "ReasonForTheRequestedProcedure",
)
_EMPTY = ("PatientName", "PatientID", "PatientBirthDate", "PatientSex", "PatientAge", "ReferringPhysicianName",
          "StudyDate", "StudyTime", "AccessionNumber", "StudyID")
#: UIDs are replaced by new ones (Table E.1-1 action "U"): they can link the image to the patient's record.
_REPLACE_UID = ("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID", "FrameOfReferenceUID")


def deidentify_dicom(dataset) -> None:
    """Apply the Basic Profile subset above to a pydicom ``Dataset`` in place (nested sequences too)."""
    from pydicom.uid import generate_uid

    def clean(ds) -> None:
        for keyword in _REMOVE:
            if keyword in ds:
                delattr(ds, keyword)
        for keyword in _EMPTY:
            if keyword in ds:
                ds.data_element(keyword).value = ""
        for element in list(ds):
            if element.VR == "SQ":
                for item in element.value:
                    clean(item)

    dataset.remove_private_tags()
    clean(dataset)
    for keyword in _REPLACE_UID:
        if keyword in dataset:
            setattr(dataset, keyword, generate_uid())
    if "SOPInstanceUID" in dataset and getattr(dataset, "file_meta", None) is not None:
        dataset.file_meta.MediaStorageSOPInstanceUID = dataset.SOPInstanceUID
    dataset.PatientIdentityRemoved = "YES"
    dataset.DeidentificationMethod = "DICOM PS3.15 Annex E Basic Profile (subset), MedSync ChatMed"


def _dicom(data: bytes) -> ValidatedImage:
    import numpy as np
    import pydicom
    from pydicom.errors import InvalidDicomError

    try:
        dataset = pydicom.dcmread(io.BytesIO(data))
        if "PixelData" not in dataset:
            raise ImageValidationError("image: the DICOM file holds no image (no Pixel Data)")
        pixels = dataset.pixel_array  # decodes the pixel data: a truncated or lying file fails here
    except ImageValidationError:
        raise
    except (InvalidDicomError, ValueError, AttributeError, KeyError, TypeError, EOFError, OSError,
            NotImplementedError, RuntimeError) as exc:
        raise ImageValidationError(f"image: the DICOM file is corrupt or its pixel data cannot be decoded "
                                   f"({type(exc).__name__})") from None
    rows, columns = int(dataset.get("Rows", 0)), int(dataset.get("Columns", 0))
    if rows * columns > MAX_PIXELS:
        raise ImageValidationError("image: the DICOM image is too large")
    spacing = dataset.get("PixelSpacing") or dataset.get("ImagerPixelSpacing")
    metadata = {
        "format": "dicom",
        "width": columns, "height": rows,
        "frames": int(dataset.get("NumberOfFrames", 1) or 1),
        "modality": str(dataset.get("Modality", "")) or None,
        "body_part": str(dataset.get("BodyPartExamined", "")) or None,
        "pixel_spacing_mm": [float(v) for v in spacing] if spacing else None,
        "bits_stored": int(dataset.get("BitsStored", 0)) or None,
        "photometric_interpretation": str(dataset.get("PhotometricInterpretation", "")) or None,
        "size_bytes": len(data),
    }
    deidentify_dicom(dataset)
    out = io.BytesIO()
    dataset.save_as(out, enforce_file_format=True)
    frame = pixels[0] if pixels.ndim == 3 and metadata["frames"] > 1 else pixels
    return ValidatedImage("dicom", metadata, out.getvalue(), _dicom_preview(np.asarray(frame), dataset))


def _dicom_preview(frame, dataset) -> bytes:
    """An 8-bit PNG of one frame: min-max windowing, inverted for MONOCHROME1 (white = low values)."""
    import numpy as np
    from PIL import Image

    if frame.ndim == 3:  # colour (RGB) frame
        return _png(Image.fromarray(frame.astype(np.uint8)))
    values = frame.astype(np.float64)
    low, high = float(values.min()), float(values.max())
    scaled = np.zeros_like(values) if high <= low else (values - low) / (high - low) * 255.0
    if str(dataset.get("PhotometricInterpretation", "")) == "MONOCHROME1":
        scaled = 255.0 - scaled
    return _png(Image.fromarray(scaled.astype(np.uint8), mode="L"))
