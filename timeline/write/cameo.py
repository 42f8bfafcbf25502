"""CAMEO, the coding scheme of ICEWS and GDELT: event roots, our event types for them, actor sectors.

An event code is a string of 2-4 digits whose first two are its root ('040', '0211'); the root
decides the event's `type` in the store (the README's table lists the mapping). Actor type codes
(GDELT's Actor1Type1Code, …) become an actor's `sectors`, in ICEWS's words.
"""

from __future__ import annotations

# root -> (CAMEO's label, the store's event type)
ROOTS: dict[str, tuple[str, str]] = {
    "01": ("Make public statement", "statement"),
    "02": ("Appeal", "appeal"),
    "03": ("Express intent to cooperate", "intent to cooperate"),
    "04": ("Consult", "consultation"),
    "05": ("Engage in diplomatic cooperation", "diplomatic cooperation"),
    "06": ("Engage in material cooperation", "material cooperation"),
    "07": ("Provide aid", "aid"),
    "08": ("Yield", "concession"),
    "09": ("Investigate", "investigation"),
    "10": ("Demand", "demand"),
    "11": ("Disapprove", "criticism"),
    "12": ("Reject", "rejection"),
    "13": ("Threaten", "threat"),
    "14": ("Protest", "protest"),
    "15": ("Exhibit force posture", "force posture"),
    "16": ("Reduce relations", "reduced relations"),
    "17": ("Coerce", "coercion"),
    "18": ("Assault", "assault"),
    "19": ("Fight", "fighting"),
    "20": ("Use unconventional mass violence", "mass violence"),
}
QUAD_CLASSES = {
    "1": "verbal cooperation",
    "2": "material cooperation",
    "3": "verbal conflict",
    "4": "material conflict",
}
# CAMEO actor type codes -> the sector words ICEWS uses.
SECTORS = {
    "GOV": "Government", "MIL": "Military", "COP": "Police", "JUD": "Judiciary", "LEG": "Legislature",
    "SPY": "Intelligence", "OPP": "Opposition", "PTY": "Political Party", "REB": "Rebels", "INS": "Insurgents",
    "SEP": "Separatists", "UAF": "Unaffiliated Armed Forces", "BUS": "Business", "MNC": "Multinational Corporation",
    "MED": "Media", "EDU": "Education", "HLH": "Health", "LAB": "Labor", "AGR": "Agriculture", "CVL": "Civilians",
    "REF": "Refugees", "ELI": "Elites", "CRM": "Criminals", "REL": "Religious", "NGO": "NGO",
    "IGO": "International Organization", "ENV": "Environment", "HRI": "Human Rights", "SET": "Settlers",
    "MOD": "Moderate", "RAD": "Radical", "DEV": "Development", "IMG": "Immigrants", "NGM": "Social Movement",
}  # fmt: skip


def root(code: str | None) -> str | None:
    """'04' for '040' or '0431'; None when `code` is not a CAMEO event code."""
    if not code or not code.isdigit() or len(code) < 2 or code[:2] not in ROOTS:
        return None
    return code[:2]


def label(code: str | None) -> str | None:
    """CAMEO's label for the code's root ('Consult' for '040')."""
    r = root(code)
    return ROOTS[r][0] if r else None


def event_type(code: str | None) -> str | None:
    """The store's event type for a CAMEO event code ('consultation' for '040')."""
    r = root(code)
    return ROOTS[r][1] if r else None


def sectors(*type_codes: str | None) -> list[str]:
    """Sector words for CAMEO actor type codes, unknown codes kept as written, each once."""
    return list(dict.fromkeys(SECTORS.get(c, c) for c in type_codes if c))
