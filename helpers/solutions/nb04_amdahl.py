# Solution: the serial part f stays whole, the parallel part (1 - f) is split over p.
import math

from helpers.checks.nb04 import check_amdahl


def amdahl(processes, serial_fraction):
    return 1 / (serial_fraction + (1 - serial_fraction) / processes)


check_amdahl(amdahl)
# Your job of section 3: 90 % of the ceiling 1/f needs f + (1 - f) / p <= f / 0.9,
# that is p >= 9 (1 - f) / f processes, and at least as many tasks.
if fitted_f > 0:
    p = math.ceil(9 * (1 - fitted_f) / fitted_f)
    print(f"with f = {fitted_f:.3f}: ceiling {1 / fitted_f:.1f}x; {p} processes give "
          f"{amdahl(p, fitted_f):.1f}x, 90 % of it, if the job had {p} tasks (it has 6)")
else:
    print("f = 0: no ceiling, every process adds speed (as long as there are tasks for it)")
