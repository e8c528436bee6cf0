# Solution: speedup = serial time / parallel time; efficiency = speedup / processes.
from helpers.checks.nb04 import check_speedup_efficiency


def speedup_and_efficiency(serial_seconds, parallel_seconds, processes):
    speedup = serial_seconds / parallel_seconds
    return speedup, speedup / processes


check_speedup_efficiency(speedup_and_efficiency)
