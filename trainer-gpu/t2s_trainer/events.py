"""JSON-lines progress events: the contract the TypeScript trainer service parses (README.md, "Progress events").

One JSON object per line on stdout, nothing else on stdout. Every event has `v` (schema version, 1),
`event` and `time` (Unix seconds). `EventWriter.capture_stdout()` moves file descriptor 1 to a private
descriptor and points fd 1 (and `sys.stdout`) at stderr, so stray prints from libraries, CUDA or NCCL can
never corrupt the stream.
"""

from __future__ import annotations

import io
import json
import math
import os
import sys
import time

SCHEMA_VERSION = 1
EVENT_TYPES = ("start", "log", "checkpoint", "done", "error", "cancelled", "compile")

# Fields each event type always carries (besides v, event, time). Others may be added; parsers must ignore
# unknown fields.
REQUIRED_FIELDS = {
    "start": ("total_steps", "start_step", "world_size", "output_dir", "method", "model"),
    "log": ("step", "total_steps", "epoch", "loss", "lr", "grad_norm", "tokens_per_s", "gpu_mem_gb"),
    "checkpoint": ("step", "path"),
    "done": ("step", "total_steps", "output_path", "output_kind"),
    "error": ("message", "error_type"),
    "cancelled": ("step", "checkpoint"),
    # torch.compile: skipped (reason) at setup, or after a step that compiled new graphs (step, graphs, step_s:
    # that step's wall time, compilation included) or fell back to eager (step, reason).
    "compile": ("status",),
}


def _clean(value):
    """JSON has no NaN/Infinity: map non-finite floats to null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def _check_required(event: str, fields: dict) -> None:
    missing = [f for f in REQUIRED_FIELDS[event] if f not in fields]
    if missing:
        raise ValueError(f"event {event!r} lacks {missing}")


def make_event(event: str, **fields) -> dict:
    if event not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event!r}")
    _check_required(event, fields)
    return {"v": SCHEMA_VERSION, "event": event, "time": round(time.time(), 3), **_clean(fields)}


def format_event(event: str, **fields) -> str:
    return json.dumps(make_event(event, **fields), separators=(",", ":"), allow_nan=False)


class EventWriter:
    """Writes events to a stream; only enabled on the main process (rank 0)."""

    def __init__(self, stream: io.TextIOBase | None = None, enabled: bool = True):
        self.stream = stream if stream is not None else sys.stdout
        self.enabled = enabled

    @classmethod
    def capture_stdout(cls) -> EventWriter:
        """Reserve the real stdout for events; everything else printed to stdout goes to stderr."""
        sys.stdout.flush()
        event_fd = os.dup(1)
        os.dup2(2, 1)
        stream = os.fdopen(event_fd, "w", buffering=1, encoding="utf-8")
        sys.stdout = sys.stderr
        return cls(stream)

    def emit(self, event: str, **fields) -> None:
        line = format_event(event, **fields)
        if self.enabled:
            self.stream.write(line + "\n")
            self.stream.flush()


def parse_event_line(line: str) -> dict:
    """Parse and check one line (used by tests; mirrors what the service should do)."""
    obj = json.loads(line)
    if not isinstance(obj, dict) or obj.get("v") != SCHEMA_VERSION or obj.get("event") not in EVENT_TYPES:
        raise ValueError(f"not a progress event: {line!r}")
    _check_required(obj["event"], obj)
    return obj
