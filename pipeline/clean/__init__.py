"""Rows → missions or quarantine: normalise values, resolve the territory, give every refusal a reason."""
