"""CPU: the GRPO recipe's reward client against the suite's real reward server (test/gpu/reward-server.ts, the
evaluator's RewardService, bundled for plain node) on a small SQLite database made here. Skipped without node
or the repository's node_modules (esbuild).

What it checks: the rewards are the scorer's; an outage pauses (retries until the server answers) and never
yields a made-up reward; a server that stays away ends in RewardUnavailable; a refused batch (4xx) raises at once
with the API's own detail; a stop request ends the wait.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import threading
import time

import pytest

from t2s_trainer.reward_client import RewardClient, RewardRequestError, RewardStopped, RewardUnavailable

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not os.path.isdir(os.path.join(REPO, "node_modules", "esbuild")),
    reason="needs node and the repository's node_modules")
WEIGHTS = {"correct": 1.0, "executable": 0.1, "error": 0.0, "format": 0.5}


@pytest.fixture(scope="module")
def server_files(tmp_path_factory):
    root = tmp_path_factory.mktemp("rewards")
    subprocess.run(["node", "test/gpu/bundle-reward-server.mjs", str(root / "reward")], cwd=REPO, check=True,
                   capture_output=True, timeout=120)
    db_dir = root / "db" / "pets"
    db_dir.mkdir(parents=True)
    con = sqlite3.connect(db_dir / "pets.sqlite")
    con.executescript("CREATE TABLE pet (id INTEGER PRIMARY KEY, name TEXT, age INTEGER);"
                      "INSERT INTO pet VALUES (1, 'Rex', 3), (2, 'Tom', 5), (3, 'Kit', 1);")
    con.commit()
    con.close()
    questions = [{"question_id": 7, "db_id": "pets", "question": "How many pets?", "evidence": "",
                  "SQL": "SELECT count(*) FROM pet"},
                 {"question_id": 8, "db_id": "pets", "question": "Oldest pet?", "evidence": "",
                  "SQL": "SELECT name FROM pet ORDER BY age DESC LIMIT 1"}]
    (root / "questions.json").write_text(json.dumps(questions))
    return root


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(root, port):
    proc = subprocess.Popen(["node", str(root / "reward" / "reward-server.js"), "--questions", str(root / "questions.json"),
                             "--databases", str(root / "db"), "--name", "pets", "--port", str(port), "--sandbox", "1"],
                            stdout=subprocess.PIPE, text=True)
    assert json.loads(proc.stdout.readline())["listening"] == port
    return proc


def stop_server(proc):
    proc.terminate()
    proc.wait(timeout=30)


def client(port, **kw):
    return RewardClient(f"http://127.0.0.1:{port}", "", "pets", WEIGHTS, "robust", 10, kw.pop("max_wait_s", 60), **kw)


def test_rewards_are_the_scorers(server_files):
    port = free_port()
    proc = start_server(server_files, port)
    try:
        items = client(port).score([7, 7, 8, 8], ["```sql\nSELECT count(*) FROM pet\n```", "SELECT 3",
                                                   "SELECT name FROM pet", "no SQL here"])
    finally:
        stop_server(proc)
    assert [(it["status"], it["reward"]) for it in items] == [
        ("correct", 1.5), ("correct", 1.0), ("wrong_result", 0.1), ("no_sql", 0.0)]


def test_an_outage_pauses_until_the_server_answers(server_files):
    port = free_port()
    started = {}

    def late_start():
        time.sleep(2.5)
        started["proc"] = start_server(server_files, port)

    t = threading.Thread(target=late_start)
    t.start()
    c = client(port)
    try:
        items = c.score([7], ["SELECT count(*) FROM pet"])
    finally:
        t.join()
        stop_server(started["proc"])
    assert items[0]["reward"] == 1.0
    assert c.waited_s >= 2  # it waited (retrying) rather than answering without the server


def test_a_server_that_stays_away_ends_the_run(server_files):
    c = client(free_port(), max_wait_s=2)
    with pytest.raises(RewardUnavailable, match="did not answer"):
        c.score([7], ["SELECT 1"])


def test_a_refused_batch_raises_at_once_with_the_apis_detail(server_files):
    port = free_port()
    proc = start_server(server_files, port)
    try:
        c = client(port)
        with pytest.raises(RewardRequestError, match=r"\(400\): items\[0\]\.question_id 99 is not a question of source"):
            c.score([99], ["SELECT 1"])
        assert c.waited_s == 0  # a 4xx is not retried
    finally:
        stop_server(proc)


def test_a_stop_request_ends_the_wait(server_files):
    flag = {"stop": False}
    threading.Timer(1.0, lambda: flag.update(stop=True)).start()
    with pytest.raises(RewardStopped):
        client(free_port(), should_stop=lambda: flag["stop"]).score([7], ["SELECT 1"])
