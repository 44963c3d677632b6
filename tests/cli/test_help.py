"""``--help`` of every registered command, through the real entry point: full option names, no ``<bool>``
after flags, no ``{file}`` placeholders; the top-level list matches each command's own help; and
``icucoach --help`` imports no command module (start-up time is a ``make bench`` figure, not a test).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from icucoach.cli import COMMANDS, load_command

from .harness import run


def command_paths() -> list[tuple[str, ...]]:
    """Every command and sub-command, as the words typed after ``icucoach``."""
    paths: list[tuple[str, ...]] = [()]
    for name in COMMANDS:
        command = load_command(name)
        paths.append((name,))
        paths.extend((name, sub) for sub in getattr(command, "commands", {}))
    return paths


def options_of(path: tuple[str, ...]) -> list[str]:
    if not path:
        return ["--help", "--debug"]
    command = load_command(path[0])
    for word in path[1:]:
        command = command.commands[word]
    return [opt for p in command.params if not p.hidden for opt in (*p.opts, *p.secondary_opts) if "-" in opt]


def subcommand_summaries(path: tuple[str, ...]) -> list[tuple[str, str]]:
    """(name, whole first paragraph of its help) for each sub-command of a group below the top level."""
    if len(path) != 1:
        return []
    subs = getattr(load_command(path[0]), "commands", {})
    return [(n, " ".join((c.help or "").split("\n\n")[0].split())) for n, c in subs.items() if not c.hidden]


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "icucoach")
def test_help_shows_full_option_names_and_no_placeholders(path: tuple[str, ...]) -> None:
    result = run(*path, "--help", env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "<bool>" not in text
    assert "{" not in text.split("\n\n")[0], text  # the usage line: FILE, not {file}
    for option in options_of(path):
        assert option in text, f"{option} missing from:\n{text}"
    flat = " ".join(text.split())
    for sub, summary in subcommand_summaries(path):
        assert f"{sub} {summary}" in flat, f"the list of {path} cuts {sub}'s help short:\n{text}"


def test_top_level_help_lists_each_command_with_its_own_first_line() -> None:
    text = " ".join(run("--help").stdout.split())
    for name, entry in COMMANDS.items():
        own = " ".join((load_command(name).help or "").split("\n\n")[0].split())
        assert own == entry.help, f"cli.COMMANDS[{name!r}] says {entry.help!r}, the command says {own!r}"
        assert f"{name} {entry.help}" in text


def test_top_level_help_imports_no_command() -> None:
    probe = (
        "import sys\n"
        "from icucoach.cli import main\n"
        "sys.argv = ['icucoach', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('icucoach.commands', 'icucoach.intervals', 'icucoach.sandbox', 'httpx', 'pydantic',"
        " 'rich')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.stderr.strip() == "[]", result.stderr
