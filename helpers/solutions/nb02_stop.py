# Solution: ask politely, wait a little, then insist. Every join has a timeout.
from helpers.checks.nb02 import check_stop


def stop(p, grace=1.0):
    """Stop process p, asking for grace seconds before insisting; return its exit code."""
    p.terminate()              # SIGTERM: please stop (a process may clean up, or ignore it)
    p.join(timeout=grace)
    if p.is_alive():
        p.kill()               # SIGKILL: no process can ignore it, so this join ends soon
        p.join(timeout=10)
    return p.exitcode


check_stop(stop)
