"""The suite's reward API as the GRPO recipe calls it (pure Python, urllib): POST {url}/v1/rewards.

Retries what may pass (connection errors, timeouts, 429, 5xx) with capped exponential backoff for up to
`max_wait_s`, checking `should_stop` between tries, so a reward outage pauses training and never puts a made-up
reward in its place. A 4xx other than 429 is the run's own mistake (unknown question, bad weights): it raises
RewardRequestError with the API's detail at once.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request

log = logging.getLogger("t2s_trainer")


class RewardRequestError(RuntimeError):
    """The reward API refused the request (4xx): retrying cannot help."""


class RewardUnavailable(RuntimeError):
    """The reward API stayed unreachable for longer than max_wait_s."""


class RewardStopped(RuntimeError):
    """should_stop() turned true while waiting for the reward API."""


class RewardClient:
    def __init__(self, url: str, api_key: str, source: str, weights: dict, extraction: str, timeout_s: float,
                 max_wait_s: float, should_stop=lambda: False, request_timeout_s: float = 600.0):
        self.endpoint = url.rstrip("/") + "/v1/rewards"
        self.api_key = api_key
        self.source = source
        self.weights = weights
        self.extraction = extraction
        self.timeout_s = timeout_s
        self.max_wait_s = max_wait_s
        self.should_stop = should_stop
        self.request_timeout_s = request_timeout_s
        self.waited_s = 0.0  # time spent waiting on outages, over the run

    def score(self, question_ids: list[int], completions: list[str]) -> list[dict]:
        """One scored item per completion, in order: {reward (float | None), ex, status, sql, ...}."""
        body = json.dumps({
            "source": self.source,
            "items": [{"question_id": q, "completion": c} for q, c in zip(question_ids, completions)],
            "reward": self.weights,
            "extraction": self.extraction,
            "timeout_s": self.timeout_s,
        }).encode()
        headers = {"content-type": "application/json"}
        if self.api_key:
            headers["authorization"] = f"Bearer {self.api_key}"
        started, delay, attempt = time.monotonic(), 1.0, 0
        while True:
            attempt += 1
            try:
                req = urllib.request.Request(self.endpoint, data=body, headers=headers, method="POST")
                with urllib.request.urlopen(req, timeout=self.request_timeout_s) as res:
                    items = json.loads(res.read())["items"]
                if len(items) != len(completions):
                    raise RewardRequestError(f"the reward API answered {len(items)} items for {len(completions)}")
                return items
            except urllib.error.HTTPError as exc:
                if exc.code != 429 and exc.code < 500:
                    raise RewardRequestError(f"the reward API refused the batch ({exc.code}): {_detail(exc)}") from exc
                why = f"HTTP {exc.code}: {_detail(exc)}"
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
                why = f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"
            waited = time.monotonic() - started
            if waited + delay > self.max_wait_s:
                raise RewardUnavailable(f"the reward API at {self.endpoint} did not answer for {waited:.0f} s "
                                        f"({attempt} tries; last: {why}); training paused, then stopped")
            log.warning("reward API unavailable (%s); training paused, retry %d in %.0f s", why, attempt, delay)
            end = time.monotonic() + delay
            while time.monotonic() < end:
                if self.should_stop():
                    raise RewardStopped("stop requested while waiting for the reward API")
                time.sleep(min(0.5, max(0.0, end - time.monotonic())))
            self.waited_s += delay
            delay = min(30.0, delay * 2)


def _detail(exc: urllib.error.HTTPError) -> str:
    try:
        return str(json.loads(exc.read()).get("detail", ""))[:500]
    except Exception:  # noqa: BLE001 - a body that is not a problem document
        return exc.reason if isinstance(exc.reason, str) else ""
