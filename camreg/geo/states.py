"""U.S. states, the District of Columbia and the territories, as USPS two-letter codes.

Used to read the state in a typed address and to check an agency's states; which states
count as "ours" is the caller's to say (the agency's), never this module's.
"""

from __future__ import annotations

from . import normalize

US_STATES: dict[str, str] = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "AS": "American Samoa",
    "GU": "Guam",
    "MP": "Northern Mariana Islands",
    "PR": "Puerto Rico",
    "VI": "U.S. Virgin Islands",
}

# Cleaned full names (normalize.clean) and the codes themselves -> code.
_BY_NAME: dict[str, str] = {
    **{normalize.clean(name): code for code, name in US_STATES.items()},
    "US VIRGIN ISLANDS": "VI",
    "VIRGIN ISLANDS": "VI",
}
_LONGEST_NAME = max(len(name.split()) for name in _BY_NAME)


def state_code(text: str) -> str:
    """The two-letter code of a state written as a code or a name ('ca', 'California'),
    or '' when the text is not a state."""
    cleaned = normalize.clean(text)
    if cleaned in US_STATES:
        return cleaned
    return _BY_NAME.get(cleaned, "")


def split_trailing_state(words: list[str]) -> tuple[list[str], str, bool]:
    """Cleaned words ending in a state, e.g. ['BAKERSFIELD', 'CA'] -> (['BAKERSFIELD'], 'CA',
    True). The last value says whether the state was written as a code; ('', False) when the
    words do not end in a state."""
    for size in range(min(_LONGEST_NAME, len(words)), 0, -1):
        tail = " ".join(words[-size:])
        if size == 1 and tail in US_STATES:
            return words[:-1], tail, True
        if tail in _BY_NAME:
            return words[:-size], _BY_NAME[tail], False
    return words, "", False


def parse_codes(text: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Codes from 'CA' or 'CA, NV' (or a list of them), upper-cased, in order, without
    repeats. Raises ValueError naming anything that is not a state code."""
    items = text.replace(";", ",").split(",") if isinstance(text, str) else list(text)
    codes: list[str] = []
    unknown: list[str] = []
    for item in items:
        item = item.strip()
        if not item:
            continue
        code = item.upper()
        if code not in US_STATES:
            unknown.append(item)
        elif code not in codes:
            codes.append(code)
    if unknown:
        raise ValueError(
            f"{', '.join(unknown)} {'is not a' if len(unknown) == 1 else 'are not'} U.S. "
            "state code" + ("" if len(unknown) == 1 else "s") + " (two letters, such as CA)."
        )
    return tuple(codes)
