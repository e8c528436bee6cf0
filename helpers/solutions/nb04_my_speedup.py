# Solution: time pool.map on the running pool too, then divide the loop's time by the pool's.
# In the exercise cell the two lines read:
#     pooled = %timeit -o -n 1 -r 3 pool.map(my_work.my_task, items)
#     my_speedup = loop.average / pooled.average
# A .py file cannot hold IPython's %timeit, so below it is spelled as IPython runs it.
import importlib

import my_work
from IPython import get_ipython

from helpers.checks.nb04 import check_my_speedup
from helpers.system import get_context, usable_cpus
from helpers.workers import default_cpu_size

importlib.reload(my_work)
ctx, CPUS = get_context(), usable_cpus()
items = [default_cpu_size() // 4] * 8
timeit = get_ipython().run_line_magic
loop = timeit("timeit", "-o -n 1 -r 3 [my_work.my_task(n) for n in items]")
with ctx.Pool(CPUS) as pool:
    pool.map(my_work.my_task, items)  # a warm-up: the workers start and import my_work
    pooled = timeit("timeit", "-o -n 1 -r 3 pool.map(my_work.my_task, items)")
my_speedup = loop.average / pooled.average
check_my_speedup(my_speedup, loop, pooled, my_work.my_task, items, CPUS)
