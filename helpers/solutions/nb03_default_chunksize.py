# Solution: map cuts the items into about 4 chunks per process, rounding up.
import math

from helpers.checks.nb03 import check_default_chunksize

n_items, processes = 1000, 4
chunksize = math.ceil(n_items / (4 * processes))  # 1000 / 16 = 62.5, rounded up: 63
chunks = math.ceil(n_items / chunksize)  # 15 full chunks of 63 and one of 55: 16 messages
check_default_chunksize(chunksize, chunks, n_items, processes)
