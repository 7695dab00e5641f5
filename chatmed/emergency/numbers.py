"""Emergency telephone numbers (ambulance / medical emergency) by country, ISO 3166-1 alpha-2.

Sources:
* EU/EEA: 112 is the single European emergency number in every member state — Directive (EU)
  2018/1972 (European Electronic Communications Code), Article 109; national ambulance numbers
  that also work are listed second where they are widely used (e.g. FR 15 SAMU, ES 061, PT 112).
* Other countries: Wikipedia, "List of emergency telephone numbers" (consulted November 2026),
  which cites each country's emergency service; verify against your national authority before
  relying on an entry in production.
Unknown countries get 112 and 911, which GSM/3G/4G handsets treat as emergency numbers everywhere
(3GPP TS 22.101, "Service aspects; Service principles", emergency calls).
"""

from __future__ import annotations

FALLBACK = "112/911"

# country -> number to show in actions (ambulance first when it differs from the general number)
EMERGENCY_NUMBERS: dict[str, str] = {
    # European Union / EEA (112 everywhere, Directive (EU) 2018/1972 art. 109)
    **{code: "112" for code in (
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU",
        "MT", "NL", "PL", "PT", "RO", "SK", "SI", "SE", "IS", "LI", "NO")},
    "FR": "15 (SAMU) / 112",
    "ES": "112 / 061",
    "AD": "112",
    "CH": "144 / 112",
    "GB": "999 / 112",
    "TR": "112",
    "RU": "103 / 112",
    "UA": "103 / 112",
    # Americas
    "US": "911", "CA": "911", "MX": "911", "AR": "107 / 911", "BR": "192 (SAMU)", "CL": "131", "CO": "123",
    "PE": "106 (SAMU) / 105", "UY": "911", "VE": "911", "EC": "911", "BO": "165", "PY": "911", "CR": "911",
    "PA": "911", "DO": "911", "CU": "104", "GT": "128", "SV": "911", "HN": "911", "NI": "128",
    # Middle East and North Africa (Arabic-speaking)
    "SA": "997 (Red Crescent) / 911", "AE": "998 / 999", "QA": "999", "KW": "112", "BH": "999", "OM": "9999",
    "JO": "911", "LB": "140 (Red Cross) / 112", "SY": "110", "IQ": "122", "EG": "123", "LY": "193", "TN": "190 (SAMU)",
    "DZ": "14 / 1021", "MA": "15 / 112", "YE": "191", "PS": "101", "SD": "999", "IL": "101",
    # Africa (Portuguese- and French-speaking and others)
    "AO": "112", "MZ": "117", "CV": "130", "SN": "1515", "CI": "185 (SAMU)", "CM": "112", "ZA": "10177 / 112",
    "NG": "112", "KE": "999 / 112",
    # Asia-Pacific
    "AU": "000", "NZ": "111", "IN": "112 / 108", "CN": "120", "JP": "119", "KR": "119", "SG": "995", "HK": "999",
    "PH": "911", "ID": "118 / 112", "MY": "999", "TH": "1669", "PK": "1122", "BD": "999",
}


def emergency_number(country: str | None) -> str:
    """The ambulance/emergency number for ISO country code ``country`` (``"112/911"`` when unknown)."""
    if not country:
        return FALLBACK
    return EMERGENCY_NUMBERS.get(country.strip().upper(), FALLBACK)
