"""icucoach.mirror."""
