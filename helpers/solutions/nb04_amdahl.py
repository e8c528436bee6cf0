# Solution: the serial part f stays whole, the parallel part (1 - f) is split over p.
from helpers.checks.nb04 import check_amdahl


def amdahl(processes, serial_fraction):
    return 1 / (serial_fraction + (1 - serial_fraction) / processes)


check_amdahl(amdahl)
print(f"Your job's ceiling with f = {fitted_f:.3f}: {amdahl(1000, fitted_f):.1f}x on 1000 CPUs")
