"""How long `llmpar train` takes to end when asked to stop, or when a rank stops making progress.

    python benchmarks/stop_times.py [--timeout 8]

Each case runs the tiny model through the real command line, waits for its third metrics line, then:
- "SIGTERM, 2 processes": SIGTERM to the launcher (--save given: finish the step, save, exit 75);
- "SIGUSR1, 1 process": the same to a one-process run;
- "SIGSTOP of rank 1": stops a worker; the job must fail within --timeout and name it;
- "rank 1 sleeps": LLMPAR_INJECT_FAULT=1:sleep:4, the same without a signal (timed from the last metrics line).
Prints the exit status and the seconds from the event to the launcher's exit. Results: docs/reliability.md.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests"))
from helpers import FAST
from llmpar.procs import descendants

RUN = [*FAST, "--steps", "100000"]  # the tests' tiny configuration, for as long as it takes to stop it


def _steps(path: str) -> int:
    try:
        with open(path, encoding="utf-8") as f:
            return len([line for line in f if line.endswith("\n")])
    except OSError:
        return 0


def case(name: str, args: list[str], event, env: dict | None = None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        metrics = os.path.join(tmp, "m.jsonl")
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "llmpar",
                "train",
                *RUN,
                *args,
                "--save",
                os.path.join(tmp, "ck"),
                "--metrics",
                metrics,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **(env or {})},
        )
        while _steps(metrics) < 3:
            if proc.poll() is not None:
                raise SystemExit(f"{name}: the run ended early: {proc.stderr.read()[-2000:]}")
            time.sleep(0.05)
        at = event(proc, metrics)
        err = proc.communicate(timeout=300)[1]
        took = time.monotonic() - at
        last = err.strip().splitlines()[-1] if err.strip() else ""
        print(f"{name:<22} status {proc.returncode:<4} {took:6.1f} s   {last[:110]}")
        print(json.dumps({"case": name, "status": proc.returncode, "seconds": round(took, 2)}), file=sys.stderr)


def signal_launcher(sig):
    def event(proc, metrics):
        proc.send_signal(sig)
        return time.monotonic()

    return event


def stop_rank_1(proc, metrics):
    workers = [p for p in descendants(proc.pid)[1:] if b"spawn_main" in open(f"/proc/{p}/cmdline", "rb").read()]
    os.kill(max(workers), signal.SIGSTOP)  # rank 1: the launcher starts the ranks in order
    return time.monotonic()


def last_line_written(proc, metrics):
    """The sleeping rank stops after step 3: time from the last metrics line written."""
    n = _steps(metrics)
    while True:
        time.sleep(0.5)
        if _steps(metrics) == n:
            return os.path.getmtime(metrics) - time.time() + time.monotonic()
        n = _steps(metrics)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeout", type=float, default=8.0)
    args = ap.parse_args()
    t = ["--timeout", str(args.timeout)]
    case("SIGTERM, 2 processes", ["--dp", "2"], signal_launcher(signal.SIGTERM))
    case("SIGUSR1, 1 process", ["--dp", "1"], signal_launcher(signal.SIGUSR1))
    case("SIGSTOP of rank 1", ["--dp", "2", *t], stop_rank_1)
    case("rank 1 sleeps", ["--dp", "2", *t], last_line_written, {"LLMPAR_INJECT_FAULT": "1:sleep:4"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
