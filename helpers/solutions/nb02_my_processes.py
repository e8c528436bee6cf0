# Solution, part 1: my_worker.py is the solution's module, copied next to the notebook (its
# text is printed below: that is what goes under the %%writefile line).
import importlib
import shutil
from pathlib import Path

import helpers
from helpers.checks.nb02 import check_my_processes
from helpers.system import get_context

source = Path(helpers.__file__).parent / "solutions" / "nb02_my_worker.py"
shutil.copyfile(source, "my_worker.py")
print(source.read_text())
import my_worker  # noqa: E402  (after the file exists)

importlib.reload(my_worker)
ctx = get_context()


# Part 2: start all the processes, then read the totals, then join.
def sum_in_processes(chunks):
    """Sum n * n over every chunk, one child process per chunk; return (totals, processes)."""
    out = ctx.Queue()
    processes = [ctx.Process(target=my_worker.sum_of_squares, args=(chunk, out))
                 for chunk in chunks]
    for p in processes:
        p.start()
    totals = [out.get(timeout=30) for _ in processes]  # read first: a child may wait for it
    for p in processes:
        p.join(timeout=30)
    return totals, processes


check_my_processes(sum_in_processes, my_worker.sum_of_squares)
