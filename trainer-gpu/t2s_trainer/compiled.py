"""Per-layer torch.compile for the training loops (`sft` now; any recipe that steps a decoder stack).

Why per layer: every decoder layer runs the same code, so one compiled graph serves all of them and
compilation costs one layer's worth of work, not the model's. Inductor fuses the element-wise work between
the matmuls (RMSNorm, SiLU x mul, rotary, residual adds, the LoRA scale-and-add and dropout), which is what
the eager step spends its time on besides the matmuls (BENCHMARKS.md).

Dynamic shapes: packed SFT rows differ in length from step to step. `dynamic=True` (the default here)
traces the sequence length as a symbol from the first call, so one graph serves every length; the
alternative (`dynamic=False`, torch's "automatic dynamic") compiles a static graph first and recompiles
once as soon as a second length appears. Size-1 dimensions (batch 1) are still specialised by torch, and
other inputs (an attention mask or none) may add a graph. `LayerCompiler.graphs()` counts the graphs
compiled so far; on bird-sample's packed rows: 2, both in the first two steps (BENCHMARKS.md).

Failure: a compile error (dynamo, inductor, triton) at any step reverts the layers to eager, logs the
reason and repeats the step eagerly (`LayerCompiler.guard`); training goes on at eager speed.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # torch-free at import: the CPU tests use selective_checkpoint_layers and CompileReport
    from torch import nn

log = logging.getLogger("t2s_trainer")


def decoder_layers(model: nn.Module) -> nn.ModuleList:
    """The decoder stack of a (PEFT-wrapped) Hugging Face causal LM."""
    inner = model.get_base_model() if hasattr(model, "get_base_model") else model
    return inner.model.layers


def skip_reason(*, method: str, fsdp: bool, cuda: bool) -> str | None:
    """Why compile stays off for this run even though it is asked for (None: compile).

    Only paths the GPU suite runs compiled are compiled: not verified are 4-bit bitsandbytes layers (qlora)
    and FSDP2-sharded layers; on CPU the eager step is what the CPU tests and smoke runs want.
    """
    if not cuda:
        return "no CUDA device"
    if method == "qlora":
        return "qlora (4-bit bitsandbytes layers) is not verified compiled"
    if fsdp:
        return "FSDP2 sharded layers are not verified compiled"
    return None


def is_compile_error(exc: BaseException) -> bool:
    """An error raised by torch.compile's machinery (not by the model's own code or an OOM)."""
    if type(exc).__name__ == "OutOfMemoryError":
        return False
    import torch._dynamo.exc

    if isinstance(exc, torch._dynamo.exc.TorchDynamoException):
        return True
    mod = type(exc).__module__ or ""
    return mod.startswith(("torch._dynamo", "torch._inductor", "triton"))


def _graph_count() -> int:
    from torch._dynamo.utils import counters

    return int(counters["stats"]["unique_graphs"])


@dataclass
class CompileReport:
    """What happened to compilation in one run (the `compile` event and the `done` event carry it)."""

    requested: bool
    status: str = "off"  # off | skipped | compiled | fallback
    reason: str | None = None
    layers: int = 0
    dynamic: bool | None = None
    graphs: int = 0
    compile_steps: list[int] = field(default_factory=list)  # steps in which new graphs were compiled
    compile_step_s: float = 0.0  # wall time of those steps (compilation plus the step itself)

    def as_dict(self) -> dict:
        return {"status": self.status, "reason": self.reason, "layers": self.layers, "dynamic": self.dynamic,
                "graphs": self.graphs, "compile_steps": self.compile_steps,
                "compile_step_s": round(self.compile_step_s, 2)}


class LayerCompiler:
    """Compiles a model's decoder layers in place; counts graphs; falls back to eager on a compile error."""

    def __init__(self, model: nn.Module, *, dynamic: bool | None = True):
        self.layers = decoder_layers(model)
        self.dynamic = dynamic
        self.active = False
        self.report = CompileReport(requested=True, dynamic=dynamic)
        self._graphs_at_start = 0

    def compile(self) -> int:
        import torch._dynamo

        cfg = torch._dynamo.config
        # Every layer shares one code object: room for a few graphs (mask / no mask, static then dynamic)
        # for each of them before dynamo gives up and runs eagerly.
        for name, per_layer in (("cache_size_limit", 4), ("recompile_limit", 4), ("accumulated_cache_size_limit", 8),
                                ("accumulated_recompile_limit", 8)):
            if hasattr(cfg, name):
                setattr(cfg, name, max(getattr(cfg, name), per_layer * len(self.layers)))
        self._graphs_at_start = _graph_count()
        for layer in self.layers:
            layer.compile(dynamic=self.dynamic)
        self.active = True
        self.report.status, self.report.layers = "compiled", len(self.layers)
        return len(self.layers)

    def revert(self, reason: str) -> None:
        """Back to eager for the rest of the run."""
        import torch._dynamo

        for layer in self.layers:
            layer._compiled_call_impl = None  # what nn.Module.compile set; None = the eager __call__
        torch._dynamo.reset()
        self.active = False
        self.report.status, self.report.reason = "fallback", reason
        log.warning("torch.compile failed; continuing eagerly: %s", reason)

    def graphs(self) -> int:
        """Graphs compiled since `compile()` (all layers share them)."""
        return _graph_count() - self._graphs_at_start if self.active or self.report.status == "fallback" else 0

    def guard(self, step_fn, reset):
        """step_fn() under compile; on a compile error revert to eager, reset() (drop partial gradients) and
        run step_fn() once more eagerly. Returns (result, fell_back)."""
        if not self.active:
            return step_fn(), False
        try:
            return step_fn(), False
        except Exception as exc:  # noqa: BLE001 - filtered just below
            if not is_compile_error(exc):
                raise
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            self.revert(f"{type(exc).__name__}: {first}"[:500])
            reset()
            return step_fn(), True

    def timed_step(self, step: int, step_fn, reset):
        """guard() plus bookkeeping: a step during which new graphs appeared counts as a compile step.
        Returns (result, info) where info is None or {"step", "graphs", "step_s", "status"} to report."""
        before = self.graphs()
        t0 = time.perf_counter()
        result, fell_back = self.guard(step_fn, reset)
        dt = time.perf_counter() - t0
        after = self.graphs()
        self.report.graphs = after
        if fell_back:
            return result, {"step": step, "graphs": after, "step_s": round(dt, 2), "status": "fallback",
                            "reason": self.report.reason}
        if after > before:
            self.report.compile_steps.append(step)
            self.report.compile_step_s += dt
            return result, {"step": step, "graphs": after, "new_graphs": after - before, "step_s": round(dt, 2),
                            "status": "compiled"}
        return result, None


def selective_checkpoint_layers(n_layers: int, ratio: float) -> list[int]:
    """Which of n decoder layers recompute their activations: round(ratio * n) of them, evenly spread
    (ratio 1 = every layer, 0.5 = every other layer)."""
    k = max(0, min(n_layers, round(ratio * n_layers)))
    if k == 0:
        return []
    return sorted({int(i * n_layers / k) for i in range(k)})
