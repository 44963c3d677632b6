"""``python -m icucoach`` runs the CLI."""

from icucoach.cli import main

main()
