"""CPU-safe: the progress-event contract and the atomic checkpoint folders."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest
from conftest import subprocess_env

from t2s_trainer.checkpoint import (
    clean_stale,
    commit_dir,
    latest_checkpoint,
    list_checkpoints,
    resolve_resume,
    rotate,
    verify_manifest,
    write_json,
    write_manifest,
)
from t2s_trainer.events import EVENT_TYPES, REQUIRED_FIELDS, EventWriter, format_event, parse_event_line

EXAMPLES = {
    "start": dict(total_steps=90, start_step=0, world_size=1, output_dir="/runs/x", method="lora", model="m"),
    "log": dict(step=1, total_steps=90, epoch=0.0333, loss=1.25, lr=2e-4, grad_norm=0.8, tokens_per_s=7000.5,
                gpu_mem_gb=30.1),
    "checkpoint": dict(step=50, path="/runs/x/checkpoint-50"),
    "done": dict(step=90, total_steps=90, output_path="/runs/x/adapter", output_kind="adapter"),
    "error": dict(message="CUDA out of memory", error_type="oom"),
    "cancelled": dict(step=12, checkpoint="/runs/x/checkpoint-12"),
    "compile": dict(status="compiled", step=1, graphs=2, new_graphs=2, step_s=31.4),
}


@pytest.mark.parametrize("event", EVENT_TYPES)
def test_each_event_is_one_json_line_with_its_fields(event):
    line = format_event(event, **EXAMPLES[event])
    assert "\n" not in line
    obj = parse_event_line(line)
    assert obj["v"] == 1 and obj["event"] == event and isinstance(obj["time"], float)
    for f in REQUIRED_FIELDS[event]:
        assert f in obj


def test_missing_fields_and_unknown_events_are_rejected():
    with pytest.raises(ValueError):
        format_event("log", step=1)
    with pytest.raises(ValueError):
        format_event("progress", step=1)


def test_non_finite_numbers_become_null():
    obj = json.loads(format_event("log", **{**EXAMPLES["log"], "loss": float("nan"), "grad_norm": float("inf")}))
    assert obj["loss"] is None and obj["grad_norm"] is None


def test_writer_disabled_on_other_ranks():
    buf = io.StringIO()
    EventWriter(buf, enabled=False).emit("error", message="x", error_type="runtime")
    assert buf.getvalue() == ""
    EventWriter(buf).emit("error", message="x", error_type="runtime")
    assert json.loads(buf.getvalue())["message"] == "x"


def test_capture_stdout_keeps_stray_prints_off_the_event_stream():
    code = (
        "import os, sys\n"
        "from t2s_trainer.events import EventWriter\n"
        "ev = EventWriter.capture_stdout()\n"
        "print('library chatter')\n"
        "os.write(1, b'C-level chatter\\n')\n"
        "ev.emit('error', message='boom', error_type='runtime')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=subprocess_env())
    assert out.returncode == 0, out.stderr
    assert [json.loads(x)["event"] for x in out.stdout.splitlines()] == ["error"]
    assert "library chatter" in out.stderr and "C-level chatter" in out.stderr


def _fake_ckpt(root, step, complete=True):
    d = root / f"checkpoint-{step}"
    d.mkdir()
    (d / "weights.bin").write_bytes(b"x" * step)
    if complete:
        write_json(str(d / "trainer_state.json"), {"global_step": step})
    return d


def test_only_complete_checkpoints_count(tmp_path):
    _fake_ckpt(tmp_path, 5)
    _fake_ckpt(tmp_path, 10)
    _fake_ckpt(tmp_path, 15, complete=False)  # killed while writing into place (cannot happen with commit_dir)
    (tmp_path / ".tmp-checkpoint-20").mkdir()  # killed during save
    (tmp_path / "checkpoint-x").mkdir()
    assert [s for s, _ in list_checkpoints(str(tmp_path))] == [5, 10]
    assert latest_checkpoint(str(tmp_path)).endswith("checkpoint-10")
    assert resolve_resume("auto", str(tmp_path)).endswith("checkpoint-10")
    assert resolve_resume("never", str(tmp_path)) is None
    with pytest.raises(FileNotFoundError):
        resolve_resume(str(tmp_path / "checkpoint-15"), str(tmp_path))
    assert clean_stale(str(tmp_path)) == [".tmp-checkpoint-20"]
    assert resolve_resume("auto", str(tmp_path / "empty")) is None


def test_commit_rotate_and_manifest(tmp_path):
    for step in (1, 2, 3):
        tmp = tmp_path / f".tmp-checkpoint-{step}"
        tmp.mkdir()
        (tmp / "a.bin").write_bytes(os.urandom(64))
        write_json(str(tmp / "trainer_state.json"), {"global_step": step})
        commit_dir(str(tmp), str(tmp_path / f"checkpoint-{step}"))
        rotate(str(tmp_path), keep=2)
    assert sorted(os.listdir(tmp_path)) == ["checkpoint-2", "checkpoint-3"]
    folder = str(tmp_path / "checkpoint-3")
    manifest = write_manifest(folder, {"kind": "adapter"})
    assert set(manifest["files"]) == {"a.bin", "trainer_state.json"} and manifest["kind"] == "adapter"
    assert verify_manifest(folder)
    with open(os.path.join(folder, "a.bin"), "ab") as fh:
        fh.write(b"!")
    assert not verify_manifest(folder)
