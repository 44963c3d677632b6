"""icucoach.coach."""
