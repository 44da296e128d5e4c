"""Strap or file to beats in the store: simulator, Bluetooth, recorder, journal, imports."""
