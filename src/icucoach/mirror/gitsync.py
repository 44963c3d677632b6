"""``--git REPO``: keep the exported files in a git repository and push only real changes.

The output directory is a clone of REPO (cloned, or initialised with REPO as ``origin``, on first use).
After an export the files are compared with the last commit after dropping volatile fields
(``files.normalise``): if only timestamps changed, the committed versions are restored and nothing is
committed; otherwise everything is committed and pushed to ``branch``. So no timestamp-only commits.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from icucoach.mirror.files import FILES, same_content

GIT_ENV = {
    "GIT_AUTHOR_NAME": "icucoach",
    "GIT_AUTHOR_EMAIL": "icucoach@localhost",
    "GIT_COMMITTER_NAME": "icucoach",
    "GIT_COMMITTER_EMAIL": "icucoach@localhost",
}


class GitError(RuntimeError):
    pass


def git(workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    import os

    env = {**os.environ, **{k: v for k, v in GIT_ENV.items() if k not in os.environ}}
    proc = subprocess.run(["git", *args], cwd=workdir, capture_output=True, text=True, env=env)
    if check and proc.returncode != 0:
        raise GitError(f"git {' '.join(args[:2])} failed: {proc.stderr.strip()[:300]}")
    return proc


def prepare(repo: str, workdir: Path, branch: str = "main") -> None:
    """Make ``workdir`` a clone of ``repo`` on ``branch`` and bring it up to date."""
    workdir.mkdir(parents=True, exist_ok=True)
    if not (workdir / ".git").exists():
        git(workdir, "init", "-q")
        git(workdir, "remote", "add", "origin", repo)
    git(workdir, "checkout", "-q", "-B", branch, check=False)
    if git(workdir, "fetch", "-q", "origin", branch, check=False).returncode == 0:
        if git(workdir, "rev-parse", "-q", "--verify", "HEAD", check=False).returncode != 0:
            git(workdir, "reset", "-q", "--hard", f"origin/{branch}")
        else:
            git(workdir, "merge", "-q", "--ff-only", f"origin/{branch}", check=False)


def _committed(workdir: Path, rel: str) -> object | None:
    proc = git(workdir, "show", f"HEAD:{rel}", check=False)
    if proc.returncode != 0:
        return None
    try:
        return json.loads(proc.stdout)
    except ValueError:
        return None


def commit_if_changed(workdir: Path, branch: str = "main", message: str = "icucoach export") -> bool:
    """Commit and push if any file's normalised content differs from HEAD; else restore HEAD's files."""
    has_head = git(workdir, "rev-parse", "-q", "--verify", "HEAD", check=False).returncode == 0
    changed = not has_head
    restore = []
    for kind in FILES:
        rel = f"{kind}.json"
        if not (workdir / rel).exists():
            continue
        current = json.loads((workdir / rel).read_text("utf-8"))
        old = _committed(workdir, rel) if has_head else None
        if old is None or not same_content(kind, old, current):
            changed = True
        elif old != current:
            restore.append(rel)
    untracked = git(workdir, "status", "--porcelain", "--untracked-files=all", "archive").stdout.strip()
    changed = changed or bool(untracked)
    if not changed:
        if restore:
            git(workdir, "checkout", "-q", "HEAD", "--", *restore)
        return False
    git(workdir, "add", "-A", "--", *[f"{k}.json" for k in FILES if (workdir / f"{k}.json").exists()])
    if (workdir / "archive").exists():
        git(workdir, "add", "-A", "--", "archive")
    if git(workdir, "diff", "--cached", "--quiet", check=False).returncode == 0:
        return False
    git(workdir, "commit", "-q", "-m", message)
    git(workdir, "push", "-q", "origin", f"HEAD:{branch}")
    return True


__all__ = ["GitError", "commit_if_changed", "git", "prepare"]
