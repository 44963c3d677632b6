"""icucoach.sandbox."""
