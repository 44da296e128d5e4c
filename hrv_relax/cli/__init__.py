"""The hrv-relax command line."""
