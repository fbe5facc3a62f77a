"""Run one command and report its wall time and peak memory as JSON on stdout.

    python bench/rusage_wrapper.py OUTPUT_FILE -- COMMAND [ARGS...]

The command's stdout goes to OUTPUT_FILE. Peak memory is reported two ways: the largest
single process (`ru_maxrss` of RUSAGE_CHILDREN, which covers every waited-for descendant) and
the peak sum of the RSS of the whole process tree, sampled from /proc every 10 ms.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

SAMPLE_SECONDS = 0.01


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(c) for c in (task / "children").read_text().split()]
    except OSError:
        pass  # the process exited while we sampled it: it has no children left to count
    return found


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass  # the process exited between samples: it holds no memory now
    return 0


def tree_rss_kb(root: int) -> int:
    """The summed RSS of `root` and all its descendants, in kB."""
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _rss_kb(pid)
        stack += _children(pid)
    return total


def _sample(root: int, done: threading.Event, peak: list[int]) -> None:
    while not done.is_set():
        peak[0] = max(peak[0], tree_rss_kb(root))
        done.wait(SAMPLE_SECONDS)


def main(argv: list[str]) -> int:
    """Run the command after `--` and print {wall_s, cpu_s, maxrss_kb, tree_peak_kb, returncode}."""
    output, command = Path(argv[0]), argv[argv.index("--") + 1 :]
    peak = [0]
    done = threading.Event()
    with output.open("wb") as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL)
        sampler = threading.Thread(target=_sample, args=(process.pid, done, peak), daemon=True)
        sampler.start()
        returncode = process.wait()
        wall = time.perf_counter() - start
    done.set()
    sampler.join()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = {
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "maxrss_kb": usage.ru_maxrss,
        "tree_peak_kb": peak[0],
        "returncode": returncode,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
