# Solution: what my_logging.py can hold, and the format. Run in the notebook, the cell
# checks the same functions from their module (helpers/solutions/nb08_logging.py).
import logging
import logging.handlers


def init_worker(queue):
    """Runs once in each worker: send its log records to queue, at INFO and above."""
    root = logging.getLogger()
    root.handlers[:] = [logging.handlers.QueueHandler(queue)]  # only this one (fork copies yours)
    root.setLevel(logging.INFO)


def work(x):
    logging.getLogger("work").info("squaring %s", x)
    return x * x


fmt = "%(processName)s (pid %(process)d): %(message)s"

if __name__ == "__main__":  # in the notebook, after %load
    from helpers.checks.nb08 import check_worker_logging
    from helpers.solutions import nb08_logging

    check_worker_logging(nb08_logging.init_worker, nb08_logging.work, fmt)
