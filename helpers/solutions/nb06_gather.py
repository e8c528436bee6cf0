# Solution: start every process, take every report out, and only then join.
from helpers.checks.nb06 import check_gather
from helpers.messaging import slow_report


def gather(ctx, parts):
    q = ctx.Queue()
    procs = [ctx.Process(target=slow_report, args=(seconds, q)) for seconds in parts]
    for p in procs:
        p.start()
    reports = [q.get(timeout=60) for _ in procs]  # in the order they come, from any process
    for p in procs:
        p.join(timeout=60)  # quick now: nothing is left in their pipes
    return reports


why = ("A child that has put a large message cannot exit until its queue's feeder thread "
       "has written the whole message into the pipe, and the pipe (about 64 KB) is full "
       "until someone reads it, so a join() before the get() waits forever.")
check_gather(gather, why)
