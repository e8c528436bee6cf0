# Solution: the exit code a parent reads from a child in each situation.
import signal

from helpers.checks.nb02 import check_exitcodes

predicted = {
    "returns normally": 0,                # success
    "raises an exception": 1,             # an uncaught exception
    "calls sys.exit(3)": 3,               # whatever number you pass to sys.exit
    "is terminated": -signal.SIGTERM,     # -15: terminate() sends SIGTERM, "please stop"
    "is killed": -getattr(signal, "SIGKILL", signal.SIGTERM),  # -9: SIGKILL, cannot be ignored
}   # (Windows has no SIGKILL: there kill() is terminate(), so both give -15)
check_exitcodes(predicted)
