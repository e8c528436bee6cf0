# Solution: speedup = serial time / parallel time (medians); efficiency = speedup / processes.
from helpers.checks.nb01 import check_efficiency

serial, threads, processes = cpu_timings
my_efficiency = serial.median / processes.median / workers
check_efficiency(my_efficiency, serial, processes, workers)
