"""icucoach.intervals."""
