# Solution: start from the slowest measured task, not the average, and leave a margin
# for a busier machine: three times the slowest lets every healthy task finish, and a
# hang is still noticed within seconds.
from helpers.checks.nb08 import check_timeout

my_timeout = 3 * max(durations)  # noqa: F821 (durations: measured in the notebook)
check_timeout(my_timeout, durations)  # noqa: F821
