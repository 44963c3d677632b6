"""icucoach.mirror: the data mirror, a drop-in replacement for Section 11's exporter.

``exporter.export_async`` syncs the local store (``icucoach.store``), builds ``latest.json``,
``history.json``, ``intervals.json``, ``routes.json`` and ``ftp_history.json`` (same keys and field names as
Section 11, each with a JSON Schema in ``schemas/``), applies the privacy level and writes atomically, plus
dated ``archive/`` snapshots. ``schedule`` (``--watch`` and the lock), ``gitsync`` (``--git``) and ``setup``
(``--setup``) serve the ``icucoach export`` command. See ``docs/mirror.md``.
"""
