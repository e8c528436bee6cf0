# Solution: this is what my_robust.py can hold. Run in the notebook, the cell checks the
# same code from its module (helpers/solutions/nb08_robust_map.py), as the checker imports it.
import time

from helpers.system import get_context


def robust_map(func, items, retries=2, timeout=5.0, processes=2):
    """Run func on every item; return (results, failed), two dicts keyed by item index.

    Each round runs the tasks still to do in a fresh Pool and waits for all of them until
    one deadline (timeout seconds). A task that raised, crashed its worker (its result
    never comes) or hangs is tried again, up to retries more times.
    """
    results, failed = {}, {}
    tries = dict.fromkeys(range(len(items)), 0)
    todo = list(range(len(items)))
    while todo:
        with get_context().Pool(processes) as pool:  # leaving it stops every worker
            pending = {i: pool.apply_async(func, (items[i],)) for i in todo}
            deadline = time.monotonic() + timeout
            todo = []
            for i, task in pending.items():
                tries[i] += 1
                try:
                    results[i] = task.get(max(0.0, deadline - time.monotonic()))
                    failed.pop(i, None)
                except Exception as err:  # it raised, or no result by the deadline
                    failed[i] = err
                    if tries[i] <= retries:
                        todo.append(i)
    return results, failed


if __name__ == "__main__":  # in the notebook, after %load
    from helpers.checks.nb08 import check_robust_map
    from helpers.solutions import nb08_robust_map

    check_robust_map(nb08_robust_map.robust_map)
