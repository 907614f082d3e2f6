"""Where the built-in profiles are and their names (no pydantic: the CLI's options need only the names)."""

from __future__ import annotations

from pathlib import Path

PROFILE_DIR = Path(__file__).parent / "profiles"


def builtin_profiles() -> list[str]:
    return sorted(p.stem for p in PROFILE_DIR.glob("*.yaml"))
