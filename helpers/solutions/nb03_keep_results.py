# Solution: one task per item, and one try/except per result, so one failure stops nothing.
from helpers.checks.nb03 import check_kept_results
from helpers.system import get_context
from helpers.workers import reciprocal

items = [4, 2, 0, 5, 0, 10]
results, failed = {}, []
with get_context().Pool(2) as pool:
    pending = [(x, pool.apply_async(reciprocal, (x,))) for x in items]  # a list: 0 comes twice
    for x, task in pending:
        try:
            results[x] = task.get()  # the result, or the task's exception raised here
        except ZeroDivisionError:
            failed.append(x)
check_kept_results(results, failed, items)
