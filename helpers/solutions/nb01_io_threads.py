# Solution: while a thread waits, it does not hold the GIL, so one thread per page
# lets every wait overlap: 30 pages, 30 threads, one round of waiting.
from helpers.checks.nb01 import check_io_threads

my_threads = len(pages)
check_io_threads(my_threads, pages)
