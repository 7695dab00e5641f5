"""Prescriptions: validate the diagnosis (ICD-10-CM) and drugs, check interactions and allergies, store.

Checks never block: interactions and allergy alerts are returned with the prescription (with their
severity and source) for the prescriber to act on. Unknown drug names and diagnoses are refused (422)
so nothing is accepted silently.
"""

from __future__ import annotations

from django.db import transaction

from chatmed.api.base import NotFound, ValidationFailed
from chatmed.icd10 import icd10_resolve
from chatmed.models import HealthProfile, Prescription, new_public_id
from chatmed.prescriptions.drugs import Drug, drug_lookup
from chatmed.prescriptions.interactions import allergy_alerts, interactions_among

ROUTES = ("oral", "sublingual", "buccal", "topical", "transdermal", "inhaled", "nasal", "ophthalmic", "otic", "rectal",
          "vaginal", "intravenous", "intramuscular", "subcutaneous")


def medications_resolve(medications: list[dict]) -> list[tuple[dict, Drug]]:
    """Pair each requested medication with its listed drug; 422 naming every unknown name."""
    pairs, unknown = [], []
    for item in medications:
        drug = drug_lookup(item["name"])
        if drug is None:
            unknown.append(item["name"])
        else:
            pairs.append((item, drug))
    if unknown:
        raise ValidationFailed(f"medications: unknown drug name(s): {', '.join(unknown)}. Use generic (INN) names.")
    return pairs


def medication_checks(*, drugs: list[Drug], profile: HealthProfile | None) -> tuple[list[dict], list[dict]]:
    """``(interactions, allergy_alerts)`` among ``drugs`` and the profile's current medications."""
    current = [d for m in (profile.medications if profile else []) if (d := drug_lookup(m.get("name", "")))]
    prescribed = {d.name for d in drugs}
    everything = drugs + [d for d in current if d.name not in prescribed]
    found = [i.as_dict() for i in interactions_among(everything)
             if i.drugs[0] in prescribed or i.drugs[1] in prescribed]
    alerts = allergy_alerts(drugs=drugs, allergies=profile.allergies if profile else [])
    return found, alerts


@transaction.atomic
def prescription_create(*, profile: HealthProfile, diagnosis: str, medications: list[dict]) -> Prescription:
    """Create a prescription for ``profile``.

    Args:
        diagnosis: ICD-10-CM code or condition name.
        medications: ``[{"name", "dose", "route", "frequency", "duration"}]`` (validated shapes).
    Raises:
        ValidationFailed: unknown diagnosis or drug names.
    """
    resolved = icd10_resolve(diagnosis)
    if resolved is None:
        raise ValidationFailed(f"diagnosis: {diagnosis!r} is not an ICD-10-CM code or condition name.")
    pairs = medications_resolve(medications)
    interactions, alerts = medication_checks(drugs=[d for _, d in pairs], profile=profile)
    return Prescription.objects.create(
        public_id=new_public_id("rx"), is_sandbox=profile.is_sandbox, profile=profile,
        diagnosis_text=diagnosis[:300], icd10_code=resolved[0], icd10_description=resolved[1][:300],
        medications=[{"name": d.name, "atc_code": d.atc_code, "requested_name": item["name"],
                      **{k: item.get(k, "") for k in ("dose", "route", "frequency", "duration")}} for item, d in pairs],
        interactions=interactions, allergy_alerts=alerts,
    )


def prescription_get(*, public_id: str, is_sandbox: bool) -> Prescription:
    prescription = (Prescription.objects.select_related("profile").filter(public_id=public_id, is_sandbox=is_sandbox).first()
                    if public_id else None)
    if prescription is None:
        raise NotFound(f"Prescription {public_id!r} does not exist.")
    return prescription
