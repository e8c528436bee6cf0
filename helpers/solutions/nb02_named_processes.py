# Solution: one process per name, started together, then the messages, then join.
from helpers.checks.nb02 import check_named_processes
from helpers.system import get_context
from helpers.workers import named_task

ctx = get_context()
out = ctx.Queue()
names = ["A", "B", "C"]
processes = [ctx.Process(target=named_task, args=(name, out), name=f"task-{name}")
             for name in names]
for p in processes:
    p.start()                                        # all of them run at the same time
messages = [out.get(timeout=60) for _ in names]      # read before join: never a deadlock
for p in processes:
    p.join(timeout=60)
print("\n".join(messages))
check_named_processes(processes, messages, names)
