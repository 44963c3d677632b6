"""icucoach.mirror: the data mirror, a drop-in replacement for Section 11's exporter.

``exporter.export_async`` syncs the local store (``icucoach.store``), builds ``latest.json``,
``history.json``, ``intervals.json``, ``routes.json`` and ``ftp_history.json`` (same keys and field names as
Section 11, each with a JSON Schema in ``schemas/``), applies the privacy level and writes the five files as
one all-or-nothing set (``files.write_set``), plus dated ``archive/`` snapshots. ``schedule`` (``--watch``
and the lock) and ``gitsync`` (``--git``) serve the ``icucoach export`` command; ``setup`` is the wizard of
``icucoach setup``. See ``docs/mirror.md``.
"""
