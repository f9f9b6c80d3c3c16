"""CLI: python -m t2s_trainer {sft,grpo,merge,bench} [--config FILE] [--flag value ...].

`--help` imports no torch: the command modules import heavy packages inside their functions.
"""

from __future__ import annotations

import argparse
import sys

from . import __version__
from .config import BenchConfig, ConfigError, MergeConfig, SFTConfig, add_dataclass_arguments, config_from_args
from .grpo_config import GRPOConfig

COMMANDS = {
    "sft": (SFTConfig, "Supervised fine-tuning (lora | qlora | full) with JSON-lines progress on stdout."),
    "grpo": (GRPOConfig, "GRPO with an execution reward from the suite's reward API (LoRA), JSON-lines progress on stdout."),
    "merge": (MergeConfig, "Merge a LoRA adapter into its base model (a folder vLLM can serve)."),
    "bench": (BenchConfig, "Training throughput on a random-weight llama-3.1-8b / llama-3.2-1b / tiny."),
}


def _module_doc(name: str) -> str:
    from importlib import import_module

    return import_module(f"t2s_trainer.{name}").__doc__ or ""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m t2s_trainer",
        description="Text-to-SQL fine-tuning trainer (transformers + PEFT + accelerate).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Settings: defaults < --config FILE (JSON or YAML) < command-line flags. See README.md.",
    )
    parser.add_argument("--version", action="version", version=f"t2s_trainer {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="{sft,grpo,merge,bench}")
    sub.required = True
    for name, (cls, help_text) in COMMANDS.items():
        p = sub.add_parser(
            name, help=help_text, description=_module_doc(name), formatter_class=argparse.RawDescriptionHelpFormatter
        )
        p.add_argument("--config", metavar="FILE", help="JSON or YAML file of settings (flags override it).")
        add_dataclass_arguments(p, cls)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    cls = COMMANDS[args.command][0]
    cfg, error = None, None
    try:
        cfg = config_from_args(cls, args)
    except ConfigError as exc:
        error = str(exc)
    if args.command == "sft":
        from .sft import main as run
    elif args.command == "grpo":
        from .grpo import main as run
    elif args.command == "merge":
        from .merge import main as run
    else:
        from .bench import main as run
    return run(cfg, error)


if __name__ == "__main__":
    sys.exit(main())
