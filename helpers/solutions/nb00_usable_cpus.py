# Solution: the CPUs you can use come from helpers.system.usable_cpus(),
# which takes the container quota and the affinity into account.
from helpers.checks.nb00 import check_usable_cpus
from helpers.system import usable_cpus

my_usable_cpus = usable_cpus()
check_usable_cpus(my_usable_cpus)
