"""The product's vocabulary: roles, session states, marker kinds and phases as StrEnums, and
the one-tap marker terms of the live page (techniques, pressure and body regions).

The enums are strings (a `Role.ADMIN` equals "admin"), so they are stored and compared as the
database holds them; code names the member instead of spelling the word again. Technique,
pressure and region markers use the lists below (the store refuses other words; anything else
goes in a note): the common terms of massage practice, so that sessions compare.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """Who an account is; `SYSTEM` is the local operator and the recorder, never an account."""

    ADMIN = "admin"
    THERAPIST = "therapist"
    CLIENT = "client"
    SYSTEM = "system"


class SessionStatus(StrEnum):
    RECORDING = "recording"
    COMPLETE = "complete"
    INTERRUPTED = "interrupted"  # the recorder stopped without finishing (killed, crashed)


class SessionSource(StrEnum):
    SIMULATED = "simulated"
    BLE = "ble"
    IMPORT = "import"


class MarkerKind(StrEnum):
    PHASE = "phase"
    TECHNIQUE = "technique"
    PRESSURE = "pressure"
    REGION = "region"
    NOTE = "note"
    GAP = "gap"  # written by the recorder for a stretch without beats, never by a person


class Phase(StrEnum):
    BASELINE = "baseline"
    MASSAGE = "massage"
    RECOVERY = "recovery"


#: Account roles (every Role but SYSTEM); sessions that have ended, one way or the other.
ACCOUNT_ROLES = (Role.ADMIN, Role.THERAPIST, Role.CLIENT)
FINISHED = (SessionStatus.COMPLETE, SessionStatus.INTERRUPTED)

TECHNIQUES = (
    "effleurage",
    "petrissage",
    "friction",
    "tapotement",
    "trigger point",
    "myofascial",
    "stretching",
)
# Diego & Field 2009 compared moderate with light pressure: moderate relaxed, light aroused.
PRESSURES = ("light", "moderate", "firm")
REGIONS = ("head", "neck", "shoulders", "back", "arms", "hands", "legs", "feet")

MARKER_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("technique", "Technique", TECHNIQUES),
    ("pressure", "Pressure", PRESSURES),
    ("region", "Region", REGIONS),
)
