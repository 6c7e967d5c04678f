"""Children that decode what strangers send (camera photos, footage), with nothing to lose.

The parsers of images and video are large C libraries; a file built for them may crash one,
make it loop or eat memory, or worse. Each decoding runs in a child interpreter that:

- is started by `command(module, ...)`: our own interpreter running one of our modules,
  ignoring PYTHON* variables (-E), the user's site-packages (-s), and writing no bytecode
  (-B), from the project's root (`ROOT`, so the module imports without installing anything);
- gets `environment(...)`: no variable of the process that starts it, so no secret key,
  database URL or storage credentials;
- limits itself with `limit_self(memory, cpu)` before it reads a byte of the file.

No Django and nothing of the apps here: the children import this module.
Decisions 0016 (camera photos) and 0033 (footage).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def command(module: str, *args: str) -> list[str]:
    return [sys.executable, "-E", "-s", "-B", "-m", module, *args]


def environment(**variables: str) -> dict[str, str]:
    """A child's whole environment: a PATH, a UTF-8 locale and `variables`."""
    return {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", **variables}


def limit_self(memory_bytes: int, cpu_seconds: int) -> None:
    """Hard limits on this process, then a lower priority than the web workers' and the
    worker's: address space, CPU seconds, no file written, no core dump."""
    try:
        import resource
    except ImportError:  # not a POSIX system: the parent's timeout still applies
        return

    def lower(kind: int, soft: int, hard: int) -> None:
        current_hard = resource.getrlimit(kind)[1]
        if current_hard != resource.RLIM_INFINITY:
            hard = min(hard, current_hard)
        resource.setrlimit(kind, (min(soft, hard), hard))

    lower(resource.RLIMIT_AS, memory_bytes, memory_bytes)
    # SIGXCPU at the soft limit, SIGKILL a second later: both end the process.
    lower(resource.RLIMIT_CPU, cpu_seconds, cpu_seconds + 1)
    lower(resource.RLIMIT_FSIZE, 0, 0)  # writes no file (standard output is a pipe)
    lower(resource.RLIMIT_CORE, 0, 0)
    os.nice(10)
