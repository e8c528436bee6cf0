"""Run a small Python script as you would in a terminal, without ever hanging or leaking.

A notebook is not a script: some multiprocessing examples (the classic first example,
the ``if __name__ == "__main__":`` guard) only make sense in a ``.py`` file. Notebook 02
writes such files and runs them with :func:`run_script`, in a fresh Python, and reads
what they printed. :func:`error_summary` picks the error out of a long traceback.

A plain ``subprocess.run(..., timeout=60)`` kills only the script when time is up; the
processes the script started keep running. :func:`run_script` starts the script in a
process group of its own and, on a timeout, stops the whole group.

Notebook 08 also needs to press Ctrl-C on a running script: with ``interrupt_on``,
:func:`run_script` waits until the script prints a given text, then sends SIGINT to the
script's whole process group, as a terminal's Ctrl-C and Jupyter's "Interrupt the
kernel" do, and reads back what the script and its workers printed after that.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
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
    text: str, timeout: float = DEFAULT_TIMEOUT, name: str = "demo_script.py",
    *, interrupt_on: str | None = None, send: int = signal.SIGINT,
) -> subprocess.CompletedProcess:
    """Save ``text`` as ``name`` in a temporary folder, run it there, return what it did.

    This runs ``python name`` with the notebook's Python, as you would in a terminal,
    and returns a ``CompletedProcess`` with ``returncode``, ``stdout`` and ``stderr``
    (text). The script runs in a process group of its own: if it has not ended within
    ``timeout`` seconds, the script *and every process it started* are killed and a
    ``TimeoutError`` says so; processes the script left behind when it ended are killed
    too. Nothing it started outlives the call.

    With ``interrupt_on`` (POSIX only), as soon as a line the script prints contains that
    text, the signal ``send`` (SIGINT: Ctrl-C) goes to the script's whole process group:
    the script and every worker it started, as a terminal or Jupyter does. The returned
    object then also has ``seconds_after_signal``: how long the script ran after the
    signal (None if the text never came and no signal was sent).
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError("text must be the script's Python code, a non-empty string")
    timeout = check_seconds(timeout, "timeout")
    if not isinstance(name, str) or not name.endswith(".py") or Path(name).name != name:
        raise ValueError(f"name must be a file name ending in .py, such as 'demo.py', not {name!r}")
    if interrupt_on is not None:
        if not isinstance(interrupt_on, str) or not interrupt_on:
            raise ValueError("interrupt_on must be a non-empty text that the script prints")
        if os.name != "posix":
            raise OSError("interrupt_on needs POSIX signals and process groups (Linux, macOS)")
        return _run_and_signal(text, timeout, name, interrupt_on, send)
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


def _run_and_signal(
    text: str, timeout: float, name: str, marker: str, send: int
) -> subprocess.CompletedProcess:
    """Run the script as :func:`run_script` does; once it prints ``marker``, send ``send``."""
    out_lines: list[str] = []
    err_lines: list[str] = []
    seen = threading.Event()

    def read(stream, lines: list[str], watch: bool) -> None:
        for line in stream:
            lines.append(line)
            if watch and marker in line:
                seen.set()

    deadline = time.monotonic() + timeout
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / name).write_text(text, encoding="utf-8")
        with subprocess.Popen([sys.executable, name], cwd=folder, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True,
                              start_new_session=True) as proc:
            readers = [threading.Thread(target=read, args=(proc.stdout, out_lines, True),
                                        daemon=True),
                       threading.Thread(target=read, args=(proc.stderr, err_lines, False),
                                        daemon=True)]
            for reader in readers:
                reader.start()
            signalled_at = None
            try:
                while proc.poll() is None and time.monotonic() < deadline:
                    if seen.wait(0.02):
                        signalled_at = time.monotonic()
                        os.killpg(proc.pid, send)  # the whole group, as Ctrl-C does
                        break
                proc.wait(timeout=max(0.0, deadline - time.monotonic()))
                ended_at = time.monotonic()
            except subprocess.TimeoutExpired:
                _kill_group(proc)
                proc.wait(timeout=KILL_WAIT)
                for reader in readers:
                    reader.join(KILL_WAIT)
                raise TimeoutError(
                    f"{name} did not end within {timeout} s, so it and every process it "
                    f"started were killed. Its last output: "
                    f"{(''.join(out_lines) + ''.join(err_lines))[-500:]!r}"
                ) from None
            finally:
                _kill_group(proc)  # whatever the script left running
            for reader in readers:
                reader.join(KILL_WAIT)
    done = subprocess.CompletedProcess(proc.args, proc.returncode, "".join(out_lines),
                                       "".join(err_lines))
    done.seconds_after_signal = None if signalled_at is None else ended_at - signalled_at
    return done


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
