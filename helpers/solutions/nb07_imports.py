"""Which modules does the standard library import most? Counted in parallel (a solution).

The map: imports_of(path) for each file, in a pool's workers, largest files first so the
long ones do not come last. The reduce: add each file's Counter into one total, in the
order the results come (addition does not care about order).
"""
import os
from collections import Counter

from helpers.pipeline import imports_of
from helpers.system import get_context


def count_imports(files, processes=2):
    """Count, for each module, how many of ``files`` import it, with ``processes`` workers."""
    largest_first = sorted(files, key=os.path.getsize, reverse=True)
    total = Counter()
    with get_context().Pool(processes) as pool:
        for counts in pool.imap_unordered(imports_of, largest_first):
            total.update(counts)
    return total


if __name__ == "__main__":  # run in the notebook (after %load): check it there
    from helpers.checks.nb07 import check_capstone

    check_capstone(count_imports, files, expected)
