"""Tabletop drills (HSEEP style): MSEL files, the facilitator session, the drill log, evaluation, AAR/IP."""
