"""07's capstone on two engines: joblib on this machine, and a Dask cluster (a solution).

The worker is the same, imports_of from helpers.pipeline; only the map changes. joblib:
Parallel(n_jobs=...) over delayed calls, results as they finish (return_as=
"generator_unordered"), added up as they come. Dask: client.map sends one task per file to
the cluster's workers, and as_completed hands back each future as it finishes. The reduce
is the same Counter total in both, in any order.
"""
from collections import Counter

from distributed import as_completed
from joblib import Parallel, delayed

from helpers.pipeline import imports_of


def count_imports_joblib(files, n_jobs=2):
    """Count, for each module, how many of ``files`` import it, with joblib's workers."""
    parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
    total = Counter()
    for counts in parallel(delayed(imports_of)(path) for path in files):
        total.update(counts)
    return total


def count_imports_dask(files, client):
    """The same count, on the Dask cluster behind ``client``."""
    total = Counter()
    for future in as_completed(client.map(imports_of, files)):
        total.update(future.result())
    return total


if __name__ == "__main__":  # run in the notebook (after %load): check it there
    from helpers.checks.nb09 import check_dask_port, check_joblib_port

    check_joblib_port(count_imports_joblib, part, expected, n_jobs=CPUS)
    check_dask_port(count_imports_dask, client, part, expected)
