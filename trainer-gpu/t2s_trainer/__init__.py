"""t2s_trainer: GPU trainer of the text-to-SQL fine-tuning suite (see README.md)."""

__version__ = "0.1.0"
