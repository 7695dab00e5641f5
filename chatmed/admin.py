"""Clinic admin (on the clinic's host) for ChatMed data: facilities (editable), profiles, prescriptions."""
