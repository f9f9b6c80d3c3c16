"""Runs the official BIRD scorer (evaluation_ex.py, unchanged, as its own __main__) and writes
its per-question verdicts, which it computes but does not print, as a JSON list of 0/1.

    python3 official-driver.py OUT.json OFFICIAL_DIR/evaluation_ex.py [its usual arguments...]
"""
import json
import runpy
import sys

out_path, script = sys.argv[1], sys.argv[2]
sys.argv = [script] + sys.argv[3:]
# run_path installs the script as __main__ while it runs, so its multiprocessing pool pickles
# execute_model exactly as when the script is started directly.
scope = runpy.run_path(script, run_name="__main__")
with open(out_path, "w") as f:
    json.dump([r["res"] for r in scope["exec_result"]], f)
