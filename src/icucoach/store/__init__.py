"""icucoach.store."""
