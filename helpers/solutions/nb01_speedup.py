# Solution: speedup = time of the serial loop / time with processes, both medians.
from helpers.checks.nb01 import check_speedup

serial, threads, processes = cpu_timings
my_speedup = serial.median / processes.median
check_speedup(my_speedup, serial, processes)
