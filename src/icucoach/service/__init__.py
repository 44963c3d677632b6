"""icucoach.service."""
