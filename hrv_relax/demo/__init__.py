"""The demo practice: seeded accounts, clients and synthetic sessions, kept apart from clinics."""
