# Solution: read the two sizes on your chart (the checker prints the times for each job).
# Many small messages: the channel with the most messages per second at 100 B (never the
# Manager queue: each put and get is a round trip to another process).
# A few large arrays: the most MB per second at 10 MB; shared memory (notebook 05) beats all.
from helpers.checks.nb06 import check_channel_choice

many_small = throughput.fastest(throughput.nearest_size(100))
few_large = throughput.fastest(throughput.nearest_size(10_000_000))
print(throughput.table())
check_channel_choice(throughput, many_small, few_large)
