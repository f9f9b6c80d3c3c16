"""Drives a command on a real pseudo-terminal, as a person at a keyboard would (test helper).

    python3 pty_drive.py STEPS_JSON COMMAND [ARG...]

STEPS_JSON is a list of {"expect": REGEX, "timeout": SECONDS} (wait until the terminal shows
text matching REGEX, after what earlier steps matched; "matched N" goes to stderr then) and {"send": TEXT} (type TEXT; "\\u0003"
is Ctrl-C, which the terminal's line discipline turns into SIGINT for the foreground process
group, exactly as a keyboard does). After the steps it reads until the command exits.

Prints one JSON object: {"transcript": everything the terminal showed, "code": exit status or
null, "signal": terminating signal or null, "failed": null or the step that timed out}.
"""
import fcntl
import json
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time

EXIT_TIMEOUT_S = 120


def main() -> None:
    steps = json.loads(sys.argv[1])
    argv = sys.argv[2:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    # 40 rows x 160 columns: wide enough that a progress line never wraps.
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))
    out = bytearray()
    pos = 0
    eof = False

    def read_until(deadline: float) -> bool:
        """Reads what is there until the deadline; False once the terminal is closed."""
        nonlocal eof
        while not eof:
            left = deadline - time.monotonic()
            if left <= 0:
                return True
            ready, _, _ = select.select([fd], [], [], min(left, 0.1))
            if ready:
                try:
                    data = os.read(fd, 65536)
                except OSError:  # EIO: the other side closed
                    data = b""
                if not data:
                    eof = True
                    break
                out.extend(data)
                return True
        return False

    failed = None
    for i, step in enumerate(steps):
        if "send" in step:
            os.write(fd, step["send"].encode())
            continue
        pattern = re.compile(step["expect"])
        deadline = time.monotonic() + step.get("timeout", 60)
        while True:
            match = pattern.search(out.decode("utf-8", "replace"), pos)
            if match:
                pos = match.end()
                break
            if time.monotonic() >= deadline or not read_until(deadline):
                failed = {"step": i, "expect": step["expect"]}
                break
        if failed:
            break
        # Tells the driving test how far the conversation got (it may act on the other side).
        print(f"matched {i}", file=sys.stderr, flush=True)

    # A conversation that went off script gets a short grace, then the command is killed.
    deadline = time.monotonic() + (5 if failed else EXIT_TIMEOUT_S)
    while not eof and time.monotonic() < deadline:
        read_until(deadline)
    if not eof:
        os.kill(pid, signal.SIGKILL)
        failed = failed or {"step": len(steps), "expect": "exit"}
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    print(json.dumps({
        "transcript": out.decode("utf-8", "replace"),
        "code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        "failed": failed,
    }))


if __name__ == "__main__":
    main()
