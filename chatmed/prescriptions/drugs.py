"""The drug list prescriptions and profiles accept: generic (INN) names, ATC codes, aliases.

Each entry: English INN -> (ATC code, ANSM substance name or ``None``, aliases). ATC codes are from
the WHO Collaborating Centre for Drug Statistics Methodology, "ATC/DDD Index" (https://atcddd.fhi.no/);
the ANSM name links the drug to the interaction thesaurus (:mod:`chatmed.prescriptions.interactions`),
``None`` where the thesaurus lists no interaction for it. Aliases cover US names (acetaminophen,
albuterol), common French/Spanish spellings and a few brand names. Names are matched case- and
accent-insensitively; anything not listed is reported as unknown, never accepted silently.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Drug:
    """A listed drug: ``name`` (English INN), ``atc_code`` (WHO ATC), ``ansm_name`` (thesaurus key)."""

    name: str
    atc_code: str
    ansm_name: str | None


# name: (ATC, ANSM substance, aliases)
_DRUGS: dict[str, tuple[str, str | None, tuple[str, ...]]] = {
    # antibacterials (J01)
    "amoxicillin": ("J01CA04", "amoxicilline", ("amoxicilina", "amoxil")),
    "ampicillin": ("J01CA01", "ampicilline", ()),
    "benzylpenicillin": ("J01CE01", "benzylpenicilline", ("penicillin g",)),
    "phenoxymethylpenicillin": ("J01CE02", "phenoxymethylpenicilline", ("penicillin v",)),
    "flucloxacillin": ("J01CF05", None, ()),
    "amoxicillin and clavulanic acid": ("J01CR02", "amoxicilline", ("co-amoxiclav", "augmentin", "amoxicillin/clavulanate")),
    "cefalexin": ("J01DB01", None, ("cephalexin", "keflex")),
    "ceftriaxone": ("J01DD04", "ceftriaxone", ()),
    "azithromycin": ("J01FA10", "azithromycine", ("azitromicina", "zithromax")),
    "clarithromycin": ("J01FA09", "clarithromycine", ()),
    "erythromycin": ("J01FA01", "erythromycine", ()),
    "doxycycline": ("J01AA02", "doxycycline", ()),
    "ciprofloxacin": ("J01MA02", "ciprofloxacine", ("cipro",)),
    "levofloxacin": ("J01MA12", "levofloxacine", ()),
    "trimethoprim": ("J01EA01", "trimethoprime", ()),
    "sulfamethoxazole and trimethoprim": ("J01EE01", "sulfamethoxazole", ("co-trimoxazole", "cotrimoxazole", "bactrim")),
    "nitrofurantoin": ("J01XE01", None, ()),
    "metronidazole": ("P01AB01", "metronidazole", ("flagyl",)),
    "clindamycin": ("J01FF01", "clindamycine", ()),
    "vancomycin": ("J01XA01", "vancomycine", ()),
    "gentamicin": ("J01GB03", "gentamicine", ()),
    "rifampicin": ("J04AB02", "rifampicine", ("rifampin",)),
    "isoniazid": ("J04AC01", "isoniazide", ()),
    # antifungals, antivirals, antiparasitics
    "fluconazole": ("J02AC01", "fluconazole", ()),
    "itraconazole": ("J02AC02", "itraconazole", ()),
    "ketoconazole": ("J02AB02", "ketoconazole", ()),
    "aciclovir": ("J05AB01", "aciclovir", ("acyclovir",)),
    "hydroxychloroquine": ("P01BA02", "hydroxychloroquine", ()),
    # analgesics, NSAIDs, anti-gout
    "acetylsalicylic acid": ("B01AC06", "acide acetylsalicylique", ("aspirin", "asa", "aspirina")),
    "ibuprofen": ("M01AE01", "ibuprofene", ("ibuprofeno", "advil", "nurofen")),
    "naproxen": ("M01AE02", "naproxene", ()),
    "diclofenac": ("M01AB05", "diclofenac", ("voltaren",)),
    "paracetamol": ("N02BE01", "paracetamol", ("acetaminophen", "tylenol", "paracetamolo")),
    "codeine": ("R05DA04", "codeine", ()),
    "morphine": ("N02AA01", "morphine", ()),
    "tramadol": ("N02AX02", "tramadol", ()),
    "oxycodone": ("N02AA05", "oxycodone", ()),
    "sumatriptan": ("N02CC01", "sumatriptan", ()),
    "allopurinol": ("M04AA01", "allopurinol", ()),
    "colchicine": ("M04AC01", "colchicine", ()),
    # antithrombotics (B01)
    "warfarin": ("B01AA03", "warfarine", ("coumadin",)),
    "apixaban": ("B01AF02", "apixaban", ("eliquis",)),
    "rivaroxaban": ("B01AF01", "rivaroxaban", ("xarelto",)),
    "dabigatran": ("B01AE07", "dabigatran", ()),
    "heparin": ("B01AB01", "heparine sodique", ()),
    "enoxaparin": ("B01AB05", "enoxaparine", ("lovenox", "clexane")),
    "clopidogrel": ("B01AC04", "clopidogrel", ("plavix",)),
    # cardiovascular (C)
    "atorvastatin": ("C10AA05", "atorvastatine", ("lipitor",)),
    "simvastatin": ("C10AA01", "simvastatine", ("zocor",)),
    "rosuvastatin": ("C10AA07", "rosuvastatine", ("crestor",)),
    "pravastatin": ("C10AA03", "pravastatine", ()),
    "lisinopril": ("C09AA03", "lisinopril", ()),
    "enalapril": ("C09AA02", "enalapril", ()),
    "ramipril": ("C09AA05", "ramipril", ()),
    "losartan": ("C09CA01", "losartan", ()),
    "valsartan": ("C09CA03", "valsartan", ()),
    "amlodipine": ("C08CA01", "amlodipine", ("norvasc",)),
    "metoprolol": ("C07AB02", "metoprolol", ()),
    "bisoprolol": ("C07AB07", "bisoprolol", ()),
    "atenolol": ("C07AB03", "atenolol", ()),
    "propranolol": ("C07AA05", "propranolol", ()),
    "furosemide": ("C03CA01", "furosemide", ("frusemide", "lasix")),
    "hydrochlorothiazide": ("C03AA03", "hydrochlorothiazide", ()),
    "spironolactone": ("C03DA01", "spironolactone", ()),
    "digoxin": ("C01AA05", "digoxine", ()),
    "amiodarone": ("C01BD01", "amiodarone", ()),
    "verapamil": ("C08DA01", "verapamil", ()),
    "diltiazem": ("C08DB01", "diltiazem", ()),
    "glyceryl trinitrate": ("C01DA02", "trinitrine", ("nitroglycerin", "nitroglycerine")),
    "isosorbide mononitrate": ("C01DA14", "isosorbide", ()),
    "sildenafil": ("G04BE03", "sildenafil", ("viagra",)),
    "tamsulosin": ("G04CA02", "tamsulosine", ()),
    # diabetes, thyroid, corticosteroids (A10, H)
    "metformin": ("A10BA02", "metformine", ("metformina", "glucophage")),
    "gliclazide": ("A10BB09", "gliclazide", ()),
    "glibenclamide": ("A10BB01", "glibenclamide", ("glyburide",)),
    "insulin": ("A10AB01", "insuline", ()),
    "sitagliptin": ("A10BH01", "sitagliptine", ()),
    "empagliflozin": ("A10BK03", None, ("jardiance",)),
    "levothyroxine": ("H03AA01", "levothyroxine", ("levotiroxina", "synthroid")),
    "prednisolone": ("H02AB06", "prednisolone", ()),
    "prednisone": ("H02AB07", "prednisone", ()),
    "dexamethasone": ("H02AB02", "dexamethasone", ()),
    "hydrocortisone": ("H02AB09", "hydrocortisone", ()),
    # respiratory, allergy (R)
    "salbutamol": ("R03AC02", "salbutamol", ("albuterol", "ventolin")),
    "budesonide": ("R03BA02", "budesonide", ()),
    "fluticasone": ("R03BA05", "fluticasone", ()),
    "montelukast": ("R03DC03", "montelukast", ()),
    "theophylline": ("R03DA04", "theophylline", ()),
    "cetirizine": ("R06AE07", None, ("zyrtec",)),
    "loratadine": ("R06AX13", None, ("claritin",)),
    # gastrointestinal (A)
    "omeprazole": ("A02BC01", "omeprazole", ("prilosec",)),
    "pantoprazole": ("A02BC02", "pantoprazole", ()),
    "lansoprazole": ("A02BC03", "lansoprazole", ()),
    "ondansetron": ("A04AA01", "ondansetron", ()),
    "metoclopramide": ("A03FA01", "metoclopramide", ()),
    # nervous system (N)
    "sertraline": ("N06AB06", "sertraline", ("zoloft",)),
    "fluoxetine": ("N06AB03", "fluoxetine", ("prozac",)),
    "citalopram": ("N06AB04", "citalopram", ()),
    "escitalopram": ("N06AB10", "escitalopram", ()),
    "paroxetine": ("N06AB05", "paroxetine", ()),
    "amitriptyline": ("N06AA09", "amitriptyline", ()),
    "venlafaxine": ("N06AX16", "venlafaxine", ()),
    "mirtazapine": ("N06AX11", "mirtazapine", ()),
    "diazepam": ("N05BA01", "diazepam", ("valium",)),
    "lorazepam": ("N05BA06", "lorazepam", ()),
    "alprazolam": ("N05BA12", "alprazolam", ("xanax",)),
    "zolpidem": ("N05CF02", "zolpidem", ()),
    "lithium": ("N05AN01", "lithium", ()),
    "haloperidol": ("N05AD01", "haloperidol", ()),
    "quetiapine": ("N05AH04", "quetiapine", ()),
    "olanzapine": ("N05AH03", "olanzapine", ()),
    "carbamazepine": ("N03AF01", "carbamazepine", ()),
    "valproic acid": ("N03AG01", "acide valproique", ("valproate", "sodium valproate")),
    "phenytoin": ("N03AB02", "phenytoine", ()),
    "lamotrigine": ("N03AX09", "lamotrigine", ()),
    "levetiracetam": ("N03AX14", None, ("keppra",)),
    "gabapentin": ("N03AX12", "gabapentine", ()),
    "pregabalin": ("N03AX16", "pregabaline", ()),
    # immunosuppressants, oncology, others
    "methotrexate": ("L04AX03", "methotrexate", ()),
    "tacrolimus": ("L04AD02", "tacrolimus", ()),
    "ciclosporin": ("L04AD01", "ciclosporine", ("cyclosporine",)),
    "tamoxifen": ("L02BA01", "tamoxifene", ()),
    "estradiol": ("G03CA03", "estradiol", ()),
    "alendronic acid": ("M05BA04", None, ("alendronate",)),
    "potassium chloride": ("A12BA01", "potassium", ()),
    "ferrous sulfate": ("B03AA07", "fer", ("iron",)),
    "folic acid": ("B03BB01", None, ()),
}


def normalize_name(text: str) -> str:
    """Lower case, accents removed, inner whitespace collapsed: ``" Ibuprofène "`` -> ``"ibuprofene"``."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@lru_cache(maxsize=1)
def _index() -> dict[str, Drug]:
    index: dict[str, Drug] = {}
    for name, (atc, ansm, aliases) in _DRUGS.items():
        drug = Drug(name=name, atc_code=atc, ansm_name=ansm)
        for key in (name, *aliases, *((ansm,) if ansm else ())):
            index.setdefault(normalize_name(key), drug)
    return index


def drug_lookup(name: str) -> Drug | None:
    """The listed drug called ``name`` (INN, alias or ANSM French name), or ``None``."""
    if not isinstance(name, str):
        return None
    return _index().get(normalize_name(name))


def all_drugs() -> list[Drug]:
    """Every listed drug, in list order."""
    return [Drug(name=n, atc_code=a, ansm_name=s) for n, (a, s, _) in _DRUGS.items()]
