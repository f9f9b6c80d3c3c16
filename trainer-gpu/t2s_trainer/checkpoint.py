"""Atomic checkpoint folders (pure Python; the torch state itself is written by sft.py).

A checkpoint is written into `output_dir/.tmp-checkpoint-<step>` (no pid in the name: all ranks write into
it), every file fsynced, `trainer_state.json` last, then renamed to `output_dir/checkpoint-<step>` (rename is
atomic within a filesystem) and the parent folder fsynced. Only folders named `checkpoint-<digits>` that
contain `trainer_state.json` count as complete, so a process killed while saving leaves at worst a `.tmp-*`
folder, which is ignored and removed on the next start. Old checkpoints are first renamed to `.trash-*` and
then deleted, so a half-deleted folder never looks complete either.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil

CKPT_RE = re.compile(r"^checkpoint-(\d+)$")
STATE_FILE = "trainer_state.json"
MANIFEST_FILE = "manifest.json"


def fsync_dir(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(path: str) -> None:
    for root, _dirs, files in os.walk(path):
        for name in files:
            fd = os.open(os.path.join(root, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_dir(root)


def write_json(path: str, obj) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(obj, fh, indent=2, sort_keys=True)
        fh.flush()
        os.fsync(fh.fileno())


def list_checkpoints(output_dir: str) -> list[tuple[int, str]]:
    """Complete checkpoints, oldest first, as (step, path)."""
    if not os.path.isdir(output_dir):
        return []
    out = []
    for name in os.listdir(output_dir):
        m = CKPT_RE.match(name)
        path = os.path.join(output_dir, name)
        if m and os.path.isfile(os.path.join(path, STATE_FILE)):
            out.append((int(m.group(1)), path))
    return sorted(out)


def latest_checkpoint(output_dir: str) -> str | None:
    ckpts = list_checkpoints(output_dir)
    return ckpts[-1][1] if ckpts else None


def resolve_resume(resume: str, output_dir: str) -> str | None:
    """auto -> latest complete checkpoint or None; never -> None; otherwise a checkpoint path."""
    if resume == "auto":
        return latest_checkpoint(output_dir)
    if resume in ("never", "no", "false", ""):
        return None
    if not os.path.isfile(os.path.join(resume, STATE_FILE)):
        raise FileNotFoundError(f"resume: {resume} is not a complete checkpoint (no {STATE_FILE})")
    return resume


def tmp_dir(output_dir: str, name: str) -> str:
    return os.path.join(output_dir, f".tmp-{name}-{os.getpid()}")


def remove_dir(path: str) -> None:
    """Rename away, then delete: a half-deleted folder never keeps its complete-looking name."""
    if not os.path.exists(path):
        return
    parent, name = os.path.split(path.rstrip("/"))
    trash = os.path.join(parent, f".trash-{name}-{os.getpid()}")
    os.rename(path, trash)
    shutil.rmtree(trash, ignore_errors=True)


def commit_dir(tmp: str, final: str) -> None:
    """fsync everything under tmp, then atomically publish it as final (replacing an older one)."""
    fsync_tree(tmp)
    if os.path.exists(final):
        remove_dir(final)
    os.rename(tmp, final)
    fsync_dir(os.path.dirname(final.rstrip("/")) or ".")


def rotate(output_dir: str, keep: int) -> list[str]:
    """Delete all but the newest `keep` complete checkpoints; returns the removed paths."""
    removed = []
    for _step, path in list_checkpoints(output_dir)[:-keep] if keep > 0 else []:
        remove_dir(path)
        removed.append(path)
    return removed


def clean_stale(output_dir: str) -> list[str]:
    """Remove leftovers of killed saves/deletes (.tmp-* and .trash-* folders)."""
    removed = []
    if not os.path.isdir(output_dir):
        return removed
    for name in os.listdir(output_dir):
        if name.startswith((".tmp-", ".trash-")):
            shutil.rmtree(os.path.join(output_dir, name), ignore_errors=True)
            removed.append(name)
    return removed


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_manifest(folder: str, extra: dict | None = None) -> dict:
    """manifest.json: sha256 and size of every file in `folder` (the manifest itself excluded)."""
    files = {}
    for root, _dirs, names in os.walk(folder):
        for name in sorted(names):
            path = os.path.join(root, name)
            rel = os.path.relpath(path, folder)
            if rel == MANIFEST_FILE:
                continue
            files[rel] = {"sha256": sha256_file(path), "bytes": os.path.getsize(path)}
    manifest = {"files": files, **(extra or {})}
    write_json(os.path.join(folder, MANIFEST_FILE), manifest)
    return manifest


def verify_manifest(folder: str) -> bool:
    with open(os.path.join(folder, MANIFEST_FILE), encoding="utf-8") as fh:
        manifest = json.load(fh)
    for rel, info in manifest["files"].items():
        path = os.path.join(folder, rel)
        if not os.path.isfile(path) or sha256_file(path) != info["sha256"]:
            return False
    return True
