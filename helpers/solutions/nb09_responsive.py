"""A CPU-bound step that leaves the event loop free (a solution).

run_in_executor hands the call to the process pool and returns an asyncio future at once;
awaiting it lets the loop run its other coroutines until a worker process sends the answer
back. The step runs in another process, with its own GIL, so it slows nothing in the loop.
"""
import asyncio

from helpers.beyond import cpu_step


async def run_step(executor, size):
    """Run ``cpu_step(size)`` in ``executor`` (a process pool) without blocking the loop."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(executor, cpu_step, size)
