"""Verification of the HMMU (work in progress, issue 4)."""
