# Solution: while a thread waits, it does not hold the GIL, so one thread per page
# lets every wait overlap. 30 pages, 30 threads.
from helpers.checks.nb01 import check_io_threads
from helpers.parallel import run
from helpers.timing import measure
from helpers.workers import io_task

my_threads = len(pages)
page_timing = measure(run, io_task, pages, my_threads, kind="threads", repeats=3)
check_io_threads(my_threads, page_timing, serial_seconds=sum(pages))
