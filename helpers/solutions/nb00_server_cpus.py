# Solution: the smallest of the three numbers, with the quota rounded up to whole CPUs:
# min(64 CPUs, 8 in the affinity, 2.5 of quota -> 3) = 3.
from helpers.checks.nb00 import check_server_cpus

my_server_cpus = 3
check_server_cpus(my_server_cpus)
