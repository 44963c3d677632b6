"""icucoach.analytics."""
