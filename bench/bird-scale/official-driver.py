"""Runs the official BIRD scorer (evaluation_ex.py, unchanged, as its own __main__) and writes
its per-question verdicts, which it computes but does not print, as a JSON list of 0/1. It also
notes which questions the scorer gave 0 for a timeout (its FunctionTimedOut, which it swallows):
func_timeout is wrapped, before the scorer imports it, to append {sql, db} of each timed-out call
to TIMEOUTS.jsonl; the scorer's own code and verdicts are untouched.

    python3 official-driver.py OUT.json TIMEOUTS.jsonl OFFICIAL_DIR/evaluation_ex.py [its usual arguments...]
"""
import json
import runpy
import sys

import func_timeout as ft

out_path, timeouts_path, script = sys.argv[1], sys.argv[2], sys.argv[3]
sys.argv = [script] + sys.argv[4:]
original = ft.func_timeout


def observed(timeout, func, args=(), kwargs=None):
    try:
        return original(timeout, func, args, kwargs)
    except ft.FunctionTimedOut:
        with open(timeouts_path, "a") as f:
            f.write(json.dumps({"sql": args[0], "db": args[2]}) + "\n")
        raise


ft.func_timeout = observed
# run_path installs the script as __main__ while it runs, so its multiprocessing pool pickles
# execute_model exactly as when the script is started directly.
scope = runpy.run_path(script, run_name="__main__")
with open(out_path, "w") as f:
    json.dump([r["res"] for r in scope["exec_result"]], f)
