"""The one-tap marker vocabulary of the live page: techniques, pressure and body regions.

Technique, pressure and region markers use these lists (the store refuses other words; anything
else goes in a note): the common terms of massage practice, so that sessions can be compared by
technique and pressure.
"""

from __future__ import annotations

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
