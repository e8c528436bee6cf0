# Solution: the module, written to my_pipeline.py (what your %%writefile cell does), then
# imported afresh and checked. One None per consumer; results read before the joins.
import importlib
from pathlib import Path

from helpers.checks.nb06 import check_pipeline

Path("my_pipeline.py").write_text('''"""My producer/consumer pipeline: consumers square numbers."""


def consume(inbox, outbox):
    """Take numbers from inbox until None; put (n, n * n) in outbox for each."""
    for n in iter(inbox.get, None):          # stops at the sentinel, None
        outbox.put((n, n * n))


def run_pipeline(numbers, ctx, consumers=2):
    """Square numbers in `consumers` processes; return (results, processes)."""
    numbers = list(numbers)
    inbox, outbox = ctx.Queue(), ctx.Queue()
    processes = [ctx.Process(target=consume, args=(inbox, outbox))
                 for _ in range(consumers)]
    for p in processes:
        p.start()
    for n in numbers:                        # the producer: this process
        inbox.put(n)
    for _ in processes:
        inbox.put(None)                      # one sentinel per consumer
    results = [outbox.get(timeout=60) for _ in numbers]   # take the results out...
    for p in processes:
        p.join(timeout=60)                   # ...then join
    return results, processes
''')
importlib.invalidate_caches()  # let Python see the new file
my_pipeline = importlib.reload(importlib.import_module("my_pipeline"))
results, processes = my_pipeline.run_pipeline(range(20), ctx)
print(sorted(results)[:5], "...", len(results), "results from", len(processes), "consumers")
check_pipeline(my_pipeline)
