"""hrv-relax: heart-rate-variability relaxation tracking for massage therapy."""

__version__ = "0.1.0"
