"""Okabe-Ito colour-blind-safe palette (Okabe & Ito 2008), shared by every chart and report."""

from __future__ import annotations

BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILION = "#D55E00"
SKY = "#56B4E9"
GREY = "#999999"
PHASE_COLOURS = {"baseline": SKY, "massage": GREEN, "recovery": ORANGE}
