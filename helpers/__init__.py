"""Helpers for the course *Parallel Python with multiprocessing*.

Every notebook imports from this package, and every function that runs in a child
process lives here (in :mod:`helpers.workers`, or in the topic module of the notebook
that needs it), so that it can be found by name under each start method. The modules are
small and named for what they hold; layers point down only (workers and system at the
bottom, timing and models above, plots and widgets on top, checks and solutions per
notebook):

- :mod:`helpers.system`    the CPUs you can really use, the start method, a machine report
- :mod:`helpers.workers`   the functions that run in child processes
- :mod:`helpers.parallel`  run a function over items serially, with threads or processes,
                           with clear errors for bad input
- :mod:`helpers.executors` a ProcessPoolExecutor whose end is bounded by a timeout
- :mod:`helpers.startup`   start methods: start-up cost, fork with threads
- :mod:`helpers.scripts`   run a small script in its own process group, with a timeout
- :mod:`helpers.pools`     chunksize: Pool's default, sweeps, results with a timeout
- :mod:`helpers.timing`    the one timing harness: warm-up, repeats, median and spread
- :mod:`helpers.model`     Amdahl's law, Gustafson's law and an overhead model, fitted
- :mod:`helpers.sharing`   05: Value and Array races and their fixes, managers, shared_memory
- :mod:`helpers.messaging` 06: queues, pipes and pipelines, their workers and throughput
- :mod:`helpers.pipeline`  07: scan the standard library's source file by file; timeline, reduce
- :mod:`helpers.faults`    08: workers that fail on purpose, and what each API makes of them
- :mod:`helpers.beyond`    09: joblib, Dask, asyncio: engines side by side, an event loop's latency
- :mod:`helpers.cluster`   09: a Dask scheduler and workers run as programs on 127.0.0.1
- :mod:`helpers.bench`     the instructor's pre-flight check: ``python -m helpers.bench``
- :mod:`helpers.plots`     charts of measured timings and speedups (a package: one module
                           per notebook topic beside the shared ones)
- :mod:`helpers.tables`    small Markdown tables of results
- :mod:`helpers.widgets`   interactive explorers, each on :class:`helpers.widgets.base.Explorer`
- :mod:`helpers.checks`    checkers for the exercises, one module per notebook
- ``helpers/solutions/``   solutions, one ``%load`` away

This file imports nothing heavy on purpose: child processes import ``helpers.workers``,
and under spawn each child pays for every import made here.
"""

__version__ = "0.1.0"
