"""Markers of the preview JSON document (`coko preview --json`), shared by its writer (the
offline runner) and its readers (the policy pack, the Terraform-plan export)."""

from __future__ import annotations

UNKNOWN = "[unknown]"  # a value known only after apply (a computed attribute, or derived from one)
SECRET = "[secret]"  # a secret value, redacted
