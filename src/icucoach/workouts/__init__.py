"""icucoach.workouts."""
