# Solution: a few chunks per process; each message now carries hundreds of squares.
from helpers.checks.nb03 import check_chunked_sum
from helpers.system import get_context
from helpers.workers import square

N, PROCESSES = 10_000, 2
my_chunksize = N // (4 * PROCESSES)  # 1250: four chunks per process, as map would choose
with get_context().Pool(PROCESSES) as pool:
    squares = pool.map_async(square, range(N), chunksize=my_chunksize).get(timeout=60)
total = sum(squares)
check_chunked_sum(total, my_chunksize, N, PROCESSES)
