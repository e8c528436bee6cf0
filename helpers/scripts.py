"""Run a small Python script as you would in a terminal, without ever hanging or leaking.

A notebook is not a script: some multiprocessing examples (the classic first example,
the ``if __name__ == "__main__":`` guard) only make sense in a ``.py`` file. Notebook 02
writes such files and runs them with :func:`run_script`, in a fresh Python, and reads
what they printed. :func:`error_summary` picks the error out of a long traceback.

A plain ``subprocess.run(..., timeout=60)`` kills only the script when time is up; the
processes the script started keep running. :func:`run_script` starts the script in a
process group of its own and, on a timeout, stops the whole group.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from helpers.parallel import check_seconds

#: Seconds a script may run before it and every process it started are stopped.
DEFAULT_TIMEOUT = 60.0
#: Seconds to wait for the output of a killed script.
KILL_WAIT = 5.0

# A line that names an exception at the end of a traceback: "RuntimeError: ...".
_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Warning)\b:?")


def _kill_group(proc: subprocess.Popen) -> None:
    """Kill the script and every process in its group (on Windows: the script)."""
    if os.name == "posix":
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # the group's id is the script's pid
        except (ProcessLookupError, PermissionError):
            pass  # nobody left in the group
    elif proc.poll() is None:
        proc.kill()


def run_script(
    text: str, timeout: float = DEFAULT_TIMEOUT, name: str = "demo_script.py"
) -> subprocess.CompletedProcess:
    """Save ``text`` as ``name`` in a temporary folder, run it there, return what it did.

    This runs ``python name`` with the notebook's Python, as you would in a terminal,
    and returns a ``CompletedProcess`` with ``returncode``, ``stdout`` and ``stderr``
    (text). The script runs in a process group of its own: if it has not ended within
    ``timeout`` seconds, the script *and every process it started* are killed and a
    ``TimeoutError`` says so; processes the script left behind when it ended are killed
    too. Nothing it started outlives the call.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError("text must be the script's Python code, a non-empty string")
    timeout = check_seconds(timeout, "timeout")
    if not isinstance(name, str) or not name.endswith(".py") or Path(name).name != name:
        raise ValueError(f"name must be a file name ending in .py, such as 'demo.py', not {name!r}")
    group = {"start_new_session": True} if os.name == "posix" else {
        "creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / name).write_text(text, encoding="utf-8")
        with subprocess.Popen([sys.executable, name], cwd=folder, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, **group) as proc:
            try:
                out, err = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill_group(proc)
                out, err = proc.communicate(timeout=KILL_WAIT)
                raise TimeoutError(
                    f"{name} did not end within {timeout} s, so it and every process it "
                    f"started were killed. Its last output: {(out + err)[-500:]!r}"
                ) from None
            finally:
                _kill_group(proc)  # whatever the script left running
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def error_summary(stderr: str, default: str = "(no error)") -> str:
    """Return the error at the end of a traceback, in one line: ``"Name: message"``.

    A traceback ends with the line that names the exception; its message may go on over
    several lines (multiprocessing's start-up error does). This returns that line joined
    with the rest of the message's first paragraph. Without a traceback, it returns the
    last non-empty line, or ``default`` if there is none.
    """
    if not isinstance(stderr, str):
        raise TypeError(f"stderr must be text (str), not {type(stderr).__name__}")
    lines = stderr.rstrip().splitlines()
    starts = [i for i, line in enumerate(lines) if _EXCEPTION_LINE.match(line)]
    if not starts:
        rest = [line.strip() for line in lines if line.strip()]
        return rest[-1] if rest else default
    first = starts[-1]
    message = [lines[first].strip()]
    for line in lines[first + 1:]:
        if not line.strip():
            if len(message) > 1 or not lines[first].rstrip().endswith(":"):
                break  # the end of the first paragraph
            continue  # "RuntimeError:" followed by a blank line, then the message
        message.append(line.strip())
    return " ".join(message)
