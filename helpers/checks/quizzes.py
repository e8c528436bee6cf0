"""The quiz questions of each notebook: diagnostic questions whose wrong options are misconceptions.

``QUIZZES[number] = (title, [Question, ...])``. Each wrong option is one belief that learners
really hold, and its ``why`` says what is true instead, in the words of the notebook; the right
option's ``why`` says why it is right. Every statement holds for CPython 3.11 to 3.14.
:func:`helpers.checks.quiz.quiz` shows them; ``tests/test_quiz.py`` checks them.

To add the quiz of a new notebook: add its entry here (3 or 4 questions, each with one right
option and two or three wrong ones), then a "## Quiz" section just before its Summary with
``from helpers.checks.quiz import quiz`` and ``quiz("NN")``.
"""

from __future__ import annotations

from helpers.checks.quiz import Question, right, wrong

NB00 = [
    Question(
        "On a server, `os.cpu_count()` says 64, and your program's container has a CPU quota "
        "of 2. How many of its processes can truly compute at the same time?",
        (right("2: the usable CPUs are the smallest of the machine's CPUs, the affinity and "
               "the quota",
               "`usable_cpus()` takes the smallest of the three; a quota of 2 gives you the "
               "CPU time of 2 CPUs, however many the machine has."),
         wrong("64: `os.cpu_count()` is the number to size a pool with",
               "`os.cpu_count()` counts the machine's CPUs, not the ones you may use. With a "
               "quota of 2, 64 processes share the time of 2 CPUs."),
         wrong("Whatever `os.process_cpu_count()` says: it reads the container's quota",
               "`os.process_cpu_count()` (Python 3.13) reads the affinity, not container "
               "quotas; joblib's count, behind `usable_cpus()`, reads both."))),
    Question(
        "You run the same CPU-bound job with as many processes as your usable CPUs, then with "
        "twice as many. What do you expect from the second run?",
        (right("About the same speedup or a little less: the extra processes take turns on the "
               "same CPUs",
               "Past the usable CPUs there is no CPU left for the extra processes; they share "
               "the CPUs, so the speedup stops growing."),
         wrong("About twice the speedup: twice as many processes do twice as much at once",
               "Only as many processes as usable CPUs can compute at the same moment; the "
               "others wait for their turn (oversubscription)."),
         wrong("An error: you cannot start more processes than CPUs",
               "The operating system runs any number of processes, taking turns on the "
               "CPUs; it is just not faster."))),
    Question(
        "`with ctx.Pool(2) as pool: results = pool.map(which_process, range(6))`. In what "
        "order are the results?",
        (right("In the order of the inputs, like the built-in `map`",
               "`pool.map` computes in the workers but returns a list in the order of the "
               "items, whichever worker finished first."),
         wrong("In the order the workers finished them",
               "That is `imap_unordered` (notebook 03); `map` puts every result back in the "
               "place of its item."),
         wrong("Grouped by worker: first all of one worker's results, then the other's",
               "The results come back in the order of the items; `which_process` returns "
               "the pid next to each result so that you can see who did which."))),
    Question(
        "Which start method does `multiprocessing` use if you do not choose one?",
        (right("It depends on the platform and the Python: `fork` on Linux up to 3.13, "
               "`forkserver` from 3.14, `spawn` on macOS and Windows",
               "The default changed over time: macOS has used `spawn` since 3.8, Windows has "
               "only `spawn`, and 3.14 moved Linux from `fork` to `forkserver`."),
         wrong("Always `fork`: that is how an operating system makes processes",
               "Windows has no `fork` at all, macOS defaults to `spawn` since Python 3.8, "
               "and Python 3.14 defaults to `forkserver` on Linux."),
         wrong("Always `spawn`, on every platform",
               "`spawn` is the default on Windows and macOS only; Linux uses `fork` (up to "
               "3.13) or `forkserver` (3.14)."))),
]

NB01 = [
    Question(
        "Standard CPython (with the GIL), 8 usable CPUs: 8 threads run a pure-Python, "
        "CPU-bound function on 8 equal pieces of work. How fast is that, compared with a loop?",
        (right("About as fast as the loop: the threads take turns holding the GIL",
               "Only the thread that holds the GIL runs Python code, so the 8 threads run one "
               "at a time, whatever CPUs the operating system gives them."),
         wrong("About 8 times as fast: the operating system puts each thread on its own CPU",
               "It may, but a thread needs the GIL to run Python code and only one holds it "
               "at a time. Processes, each with its own GIL, get the 8x."),
         wrong("About 8 times as fast, as long as the work is split evenly",
               "An even split does not help: the threads still take turns on the GIL. The "
               "split matters for processes."))),
    Question(
        "Which statement about threads and numeric code is true?",
        (right("Threads can speed up numeric code that runs in C and lets go of the GIL, such "
               "as NumPy's heavy functions or `hashlib` on large data",
               "Many C libraries release the GIL while they compute, so several threads can "
               "run them on several CPUs at once."),
         wrong("Threads never help numeric code: the GIL stops all computing in threads",
               "The GIL only stops *Python code* from running in two threads at once; C code "
               "that releases it (NumPy, `hashlib`, `zlib`) runs in parallel."),
         wrong("Threads help any numeric code if you start more threads than CPUs",
               "For pure-Python code more threads only take turns on the GIL; the number of "
               "threads is not the limit."))),
    Question(
        "20 downloads that each wait 0.05 s, about 1 s one after the other. What is the "
        "simplest way to make them fast?",
        (right("10 threads: a waiting thread lets go of the GIL, and threads are cheap to "
               "start",
               "The waits overlap in threads, so the job takes a fraction of a second, on any "
               "number of CPUs."),
         wrong("10 processes: only processes can do things at the same time",
               "Processes overlap the waits too, but each costs more to start; threads wait "
               "together just as well because waiting releases the GIL."),
         wrong("Nothing helps: the GIL makes the waits happen one after the other",
               "A thread lets go of the GIL while it waits (a socket, a file, `time.sleep`), "
               "so the other threads' waits run at the same time."))),
    Question(
        "What does a process cost that a thread does not?",
        (right("Time to start it, and a copy (pickling) of every argument and result sent "
               "between processes",
               "Each process is a separate Python with its own memory: it must be started, "
               "and data reaches it only as a pickled copy."),
         wrong("Nothing: a child process shares the parent's memory, like a thread",
               "A process has its own memory; what you send it is copied, and what it changes "
               "stays in it."),
         wrong("While one process computes, the others wait for the GIL",
               "Each process has its own GIL, which is why processes compute in parallel."))),
]

NB02 = [
    Question(
        "`p = ctx.Process(target=work, args=(x))`: what is wrong?",
        (right("`(x)` is just `x`, not a tuple: write `args=(x,)`",
               "A one-item tuple needs the comma; without it `Process` gets `x` itself and "
               "turns it into the tuple of arguments (`tuple(x)`), which fails or splits it."),
         wrong("Nothing: the parentheses make a tuple",
               "Parentheses only group; the comma makes the tuple. `(x)` is `x`."),
         wrong("`target` must be called: `target=work(x)`",
               "`work(x)` would run `work` right here, in the parent, and pass its result as "
               "the target. Give the function itself, and its arguments in `args`."))),
    Question(
        "In the notebook you set `helpers.workers.MESSAGE = \"changed\"`, then start a child "
        "under `spawn` that reads `MESSAGE`. What does the child see?",
        (right("The value in the module's file: a spawned child imports the module afresh",
               "A spawned child is a new Python that never ran your notebook; it sees only "
               "what it imports and what you pass it."),
         wrong("`\"changed\"`: child processes see the parent's variables",
               "Only a forked child is a copy of the parent, and only as it was at the fork. "
               "Under `spawn` (and `forkserver`) your notebook's changes are not there."),
         wrong("`\"changed\"`, and any later change you make while the child runs",
               "No start method shares variables: even a forked child has a copy made at "
               "`start()`, and later changes in the parent never reach it."))),
    Question(
        "You define `def cube(x)` in a notebook cell and call `pool.map(cube, range(4))` under "
        "`spawn`. What happens?",
        (right("The workers cannot find `__main__.cube`: a `Pool.map` waits forever, an "
               "executor raises `BrokenProcessPool`",
               "The function travels by name; a spawned worker's `__main__` never ran your "
               "notebook. Put the worker in a module (`%%writefile my_worker.py`)."),
         wrong("It works: the function is pickled with its code",
               "Pickle sends a function as its module and name only; the child must be able "
               "to import it."),
         wrong("Python raises a clear error before it starts any process",
               "Plain `multiprocessing` starts the workers and they fail inside; only the "
               "course's `check_sendable` checks first."))),
    Question(
        "`p.join(timeout=10)` has returned. What do you know?",
        (right("Either the child ended or 10 s passed: `p.is_alive()` or `p.exitcode` says "
               "which",
               "`join` returns `None` in both cases; check `is_alive()` (or `exitcode`, `None` "
               "while it runs) before you assume."),
         wrong("The child has ended",
               "With a timeout, `join` also returns when the time is up and the child is still "
               "running."),
         wrong("The child was stopped after 10 s",
               "`join` only waits; it never stops a child. `terminate()` or `kill()` do."))),
]

NB03 = [
    Question(
        "Squaring four small numbers: `pool.map(square, [1, 2, 3, 4])` with a `Pool(4)`, or a "
        "plain loop. Which is faster?",
        (right("The loop, by far: the pool pays for start-up, pickling and messages",
               "The pool's costs are milliseconds; four multiplications take well under a "
               "microsecond. Parallel pays only when each task carries enough work."),
         wrong("The pool, about 4 times: four processes share the work",
               "Four processes would share the *work*, but the work is tiny and the pool's "
               "own costs are thousands of times larger."),
         wrong("They take about the same time: the pool's overhead is negligible",
               "Starting processes takes milliseconds (far more under `spawn`), which is an "
               "eternity next to four multiplications."))),
    Question(
        "`pool.map(reciprocal, [1, 0, 2])`, where `reciprocal(0)` raises `ZeroDivisionError`. "
        "What do you get?",
        (right("The `ZeroDivisionError`, raised in your process, and none of the results",
               "The worker catches the error and sends it back, and `map` is all or nothing. "
               "Use futures or `apply_async` to keep the good results."),
         wrong("`[1.0, None, 0.5]`: the failed item gives `None`",
               "`map` never fills in a placeholder: one failing task makes the whole call "
               "raise."),
         wrong("The worker dies and `map` waits forever",
               "A task that *raises* does not kill its worker: the exception is pickled and "
               "raised again in the caller. A worker that *dies* is another story (08)."))),
    Question(
        "What happens when a `with ctx.Pool(2) as pool:` block ends?",
        (right("`pool.terminate()`: the workers are stopped at once and unfinished tasks are "
               "lost, so collect every result inside the block",
               "`Pool.__exit__` calls `terminate()`. `ProcessPoolExecutor` is different: its "
               "`with` waits for the work."),
         wrong("It waits until every task has finished, then stops the workers",
               "That is `ProcessPoolExecutor`'s `with`. A pool's `with` terminates; to let "
               "the work finish, call `close()` then `join()` yourself."),
         wrong("Nothing: the workers run on until Python exits",
               "The pool's workers are stopped at the end of the block; a result you did not "
               "collect inside it will never come."))),
    Question(
        "`pool.imap_unordered(f, items)` over 100,000 tiny tasks is much slower than "
        "`pool.map(f, items)`. Why?",
        (right("Its `chunksize` defaults to 1, one message per task; `map` sends about four "
               "chunks per process",
               "Each message costs pickling and a trip through a pipe; pass a larger "
               "`chunksize` to `imap_unordered`."),
         wrong("`imap_unordered` sorts the results at the end",
               "It does not sort at all: it hands you each result as soon as it is ready."),
         wrong("`imap_unordered` starts a new process for every item",
               "The pool's workers are started once and reused; the cost is the messages, "
               "one per task."))),
]

NB04 = [
    Question(
        "You timed a loop once (4.0 s) and a pool once (2.1 s). What should you report?",
        (right("Nothing yet: warm up, repeat both in turns, and report the medians with their "
               "spread",
               "One run can be slowed by anything else on the machine; the median of several "
               "runs, taken in turns, resists that."),
         wrong("A speedup of 1.9x: the machine looked idle, so one run is enough",
               "Background programs come and go within a second; you cannot see from one run "
               "whether it was disturbed."),
         wrong("1.9x, rounded down to be safe: one run's error is small",
               "On a shared machine it is not: the seven runs of section 1 showed how far "
               "apart the same task can be, and a first run also pays one-off costs."))),
    Question(
        "Speedup with `p` processes is some time divided by the time with `p` processes. "
        "Which time?",
        (right("The plain loop's time, without any pool",
               "That is what the parallel version replaces; the pool's costs belong to the "
               "parallel side."),
         wrong("The time of a pool with one process",
               "A one-process pool carries the pool's start-up and messages too, so it flatters "
               "every other process count."),
         wrong("The time with `p - 1` processes",
               "That gives the gain of one more process, not the speedup over doing the work "
               "without processes."))),
    Question(
        "Amdahl's law: a job's serial fraction is `f = 0.1`. How fast can it get, with any "
        "number of processes?",
        (right("At most 10 times as fast: the speedup never exceeds `1 / f`",
               "The serial tenth takes the same time whatever `p` is; even if the rest took no "
               "time at all, the job would be 10 times as fast."),
         wrong("As fast as you like, with enough processes",
               "The serial part does not shrink with more processes; it caps the speedup at "
               "`1 / f`."),
         wrong("At most 0.9 times the number of processes, without a ceiling",
               "The speedup is `1 / (f + (1 - f) / p)`, which approaches `1 / f` = 10, not a "
               "straight line."))),
    Question(
        "4 usable CPUs, 12 equal CPU-bound tasks. Will 5 processes be faster than 4?",
        (right("No: the fifth process has no CPU of its own, so the speedup cannot grow, and "
               "it may drop",
               "Past the usable CPUs processes take turns (oversubscription); there is one "
               "more process to start and an uneven end."),
         wrong("Yes, by about a quarter: one more process does a quarter more work at a time",
               "Only 4 processes compute at any moment on 4 CPUs; the fifth takes turns with "
               "the others."),
         wrong("Yes, slightly: the operating system switches faster between more processes",
               "Switching costs time, it never adds any; more processes than CPUs cannot make "
               "CPU-bound work faster."))),
]

NB05 = [
    Question(
        "Four processes each run `counter.value += 1` 20,000 times on one `ctx.Value('i', 0)`. "
        "What is `counter.value` at the end?",
        (right("Usually less than 80,000: `+=` is a read and a write, locked one at a time, "
               "so updates get lost",
               "The `Value`'s lock is taken for the read, released, then taken for the write; "
               "in between another process reads the same old number."),
         wrong("Exactly 80,000: a `Value` has a lock, so `+=` on it is safe",
               "The lock guards each read and each write, not the read-then-write. Use "
               "`with counter.get_lock(): counter.value += 1`."),
         wrong("Exactly 80,000 on a machine with one CPU: processes cannot interleave there",
               "The operating system can switch processes between any two steps, on one CPU "
               "too; updates are lost there as well."))),
    Question(
        "Several processes must count things together. What is the fastest exact way?",
        (right("Each process counts in a local variable and adds its total once (or returns "
               "it, as `Pool.map` does)",
               "Share results, not counters: the processes hardly touch shared state, so "
               "nothing waits."),
         wrong("A lock around every update of a shared `Value`",
               "It is exact, but every update waits for the lock, so the processes spend their "
               "time queuing."),
         wrong("A manager's `Value`: a server process keeps it, so there is no race",
               "Every operation is a round trip to the manager, by far the slowest; and its "
               "`+=` is still two messages that race without a lock."))),
    Question(
        "`d = manager.dict(); d['k'] = []; d['k'].append(1)`. What is `d['k']` now?",
        (right("`[]`: `d['k']` hands you a copy; change it, then store it back with "
               "`d['k'] = value`",
               "The proxy forwards `d[...] = ...` to the manager, but the list you got from "
               "`d['k']` is a local copy."),
         wrong("`[1]`: a proxy forwards every change to the manager",
               "Only operations on the proxy itself travel; the nested list is a plain copy, "
               "and the manager never hears of the append."),
         wrong("An error: a managed dict cannot hold lists",
               "It can hold any picklable value; the trap is that reading one gives you a "
               "copy."))),
    Question(
        "Who should call `close()` and `unlink()` on a `shared_memory.SharedMemory` block?",
        (right("`close()` every process that used it; `unlink()` exactly one, the creator, "
               "once nobody needs it",
               "`close()` ends this process's view; `unlink()` deletes the block for everyone. "
               "`SharedMemoryManager` can do the unlinking for you."),
         wrong("Every worker calls `unlink()` when it is done with the block",
               "`unlink()` deletes the block for every process: the first worker to finish "
               "would take it from the others."),
         wrong("Nobody: the block goes away when the `SharedMemory` object is garbage-collected",
               "Collecting the object only closes this process's view; the block stays until "
               "someone unlinks it (or the resource tracker does, with a warning)."))),
]

NB06 = [
    Question(
        "A child puts a 1 MB result in a `Queue`. The parent calls `p.join()`, then "
        "`q.get()`. What happens?",
        (right("A deadlock: the child cannot exit until its message is in the pipe, and nobody "
               "reads. Take the results out, then join",
               "The queue's feeder thread writes the message into a pipe that holds about "
               "64 KB; the child waits for it at exit, and the parent waits in `join`."),
         wrong("It works: `put` has returned, so the message is delivered",
               "`put` only hands the message to the feeder thread; the child still has to "
               "write it into the pipe before it can exit."),
         wrong("`join` raises an error because the queue is not empty",
               "Nothing raises: both processes simply wait for each other, forever without a "
               "timeout."))),
    Question(
        "Two consumers take work from one queue until they get `None`. The producer puts all "
        "the work, then one `None`. What happens?",
        (right("One consumer stops; the other waits forever. Put one sentinel per consumer",
               "A `get` takes the item out of the queue: only one consumer ever sees the "
               "single `None`."),
         wrong("Both stop: each consumer sees the `None`",
               "A queue hands each item to one reader only; the second consumer never gets "
               "a `None`."),
         wrong("Both stop once the queue is empty",
               "A consumer does not know the queue is empty for good; `get()` just waits for "
               "the next item."))),
    Question(
        "How does the parent know it has read every result from a `Queue`?",
        (right("It counts the messages it expects (or waits for sentinels), each `get` with a "
               "timeout",
               "Counting is exact; `empty()` and `qsize()` are only hints."),
         wrong("It reads `while not q.empty()`",
               "`empty()` can say `True` while a message is still in a feeder thread's "
               "buffer, or before a slow child has put its result."),
         wrong("`q.qsize()` says exactly how many are left",
               "`qsize()` is a hint that can be stale at once, and on macOS it raises "
               "`NotImplementedError`."))),
    Question(
        "Several processes must send messages to one reader. Which channel can they share?",
        (right("A `Queue` (or `SimpleQueue`): it takes a lock around each write",
               "The lock keeps each message whole, so many writers can share one queue."),
         wrong("One end of a `Pipe`: each `send` arrives whole",
               "A `Connection` has no lock: two large messages sent at once can interleave "
               "and garble each other. A `Pipe` end wants one writer."),
         wrong("Any of them: the operating system never mixes two writers' data",
               "Only small writes are atomic; a large message goes into the pipe in pieces, "
               "and without a lock another writer's pieces land in between."))),
]

NB08 = [
    Question(
        "A worker of a `multiprocessing.Pool` is killed (SIGKILL) while it runs a task of "
        "`pool.map`. What does `map` do?",
        (right("It waits forever: the pool replaces the worker, but the task is lost and "
               "nobody tells `map`",
               "`Pool` keeps no record of which worker holds which task. Bound the wait "
               "(`map_async(...).get(timeout)`), or use `ProcessPoolExecutor`."),
         wrong("It raises `BrokenProcessPool`",
               "That is `ProcessPoolExecutor`: it watches its workers' sentinels and fails "
               "every pending future. `Pool` does not."),
         wrong("It returns the results of the tasks that finished",
               "`map` is all or nothing, and it keeps waiting for the lost task's result."))),
    Question(
        "`future.result(timeout=2)` raised `TimeoutError`. What happened to the task?",
        (right("It is still running in its worker; to stop it, end the worker",
               "A timeout stops your waiting, not the work. `terminate_workers()` (3.14) or "
               "terminating the worker processes stops it."),
         wrong("It was stopped when the timeout expired",
               "Nothing is sent to the worker; it goes on with the task, and a `with` block "
               "would wait for it on the way out."),
         wrong("It was cancelled, and its worker is free for the next task",
               "`cancel()` works only on tasks that have not started; a running task cannot "
               "be cancelled."))),
    Question(
        "You press ■ (Interrupt the kernel) while `with ProcessPoolExecutor(2) as ex:` runs 8 "
        "tasks of 0.5 s. What happens?",
        (right("The workers get the interrupt too, report it as a task's result and go on; "
               "the `with` block waits for the remaining tasks",
               "The signal reaches the whole process group; the executor's workers catch "
               "`BaseException`, and `shutdown(wait=True)` waits for the queue."),
         wrong("Everything stops at once, the workers included",
               "That is closer to a `Pool` in a `with` block, which terminates. The executor "
               "keeps working through its tasks."),
         wrong("Only the notebook is interrupted; the workers never notice",
               "Jupyter sends SIGINT to the kernel's whole process group, which includes the "
               "workers started from the notebook."))),
    Question(
        "A task appends a line to a results file, then fails with `ConnectionError`, and your "
        "code retries it. What is the risk?",
        (right("The line is written twice: make the task idempotent (key results by item, "
               "write a new file and rename it)",
               "A retry runs the whole task again, including the part the first attempt had "
               "already done."),
         wrong("None: a failed attempt leaves nothing behind",
               "The attempt did half its work before it failed, and that half stays done."),
         wrong("None, as long as you retry only `ConnectionError`",
               "Retrying only transient errors is right, but it does not undo what the first "
               "attempt already did."))),
]

NB07 = [
    Question(
        "A pool must parse 700 source files. What should each task carry to its worker?",
        (right("The file's path: the worker reads the file itself",
               "A path is a few dozen bytes; reading in the parent is serial work, and every "
               "byte sent is pickled in the parent and unpickled in the worker."),
         wrong("The file's contents, read in the notebook first, so the workers only compute",
               "Then the notebook reads every file alone (serial), and megabytes are pickled "
               "through the pool's pipes: the cost you measured in section 4."),
         wrong("Nothing: the workers see the notebook's variables, so a list of texts is "
               "shared",
               "Processes share nothing by default; under spawn or forkserver a worker never "
               "ran the notebook at all (notebook 05)."))),
    Question(
        "A few files take 40 times longer than the median, and they come last in your list. "
        "What shortens the run the most?",
        (right("Sort the files largest first and hand them out with `imap_unordered` and "
               "small chunks",
               "The long tasks start first, and the short ones fill the gaps at the end, so no "
               "worker sits idle while one works through the long pole."),
         wrong("A bigger chunksize, so there are fewer messages",
               "Big chunks put the long files together in one chunk: one worker runs them "
               "while the others have nothing left (the timeline shows it)."),
         wrong("More processes than CPUs, so the long files get more workers",
               "One file is one task: it runs in one worker whatever the pool's size, and "
               "extra processes only share the same CPUs."))),
    Question(
        "You call `np.random.seed(2024)` in the notebook, then each task of a `fork` pool draws "
        "with `np.random.randint`. What do the workers draw?",
        (right("The same numbers in every worker: each is a copy of the notebook's global "
               "generator, in the same state",
               "Fork copies the process, generator included. Give every task its own seed: "
               "`SeedSequence(2024).spawn(n)` and `default_rng(seed)` per task."),
         wrong("Different numbers, reproducible from the seed 2024",
               "Under fork they are identical, not different; under spawn and forkserver "
               "they differ but the seed never reached the workers, so no run repeats."),
         wrong("Different numbers, because each process has its own memory",
               "Its own memory, yes, but a copy of the parent's: the generator's state is "
               "copied with it."))),
    Question(
        "Which job may run as fast with threads as with processes?",
        (right("A NumPy computation on large arrays, whose heavy steps release the GIL",
               "Compiled code that releases the GIL runs in parallel in threads; measure "
               "both, as section 9 did, before you choose."),
         wrong("Parsing source files with `ast.parse` and walking the trees",
               "That is pure-Python work: it holds the GIL, so threads take turns and only "
               "processes use several CPUs."),
         wrong("No job: threads never help CPU-bound work",
               "They never help pure-Python computing in a standard build; libraries that "
               "release the GIL are the exception, so measure."))),
]

NB09 = [
    Question(
        "A function `cube` defined in a notebook cell works with `Parallel(n_jobs=2)(delayed(cube)"
        "(x) for x in xs)` under every start method, but not in a `spawn` `Pool`. Why?",
        (right("joblib sends it by value with cloudpickle: its code and the globals it reads "
               "travel with the tasks",
               "A `Pool` pickles a function by name, which a fresh Python cannot find in the "
               "notebook; cloudpickle pickles the code itself, and everything it uses."),
         wrong("loky uses `fork`, so its workers already have the notebook's functions",
               "loky starts each worker as a fresh Python, like `spawn`; the function arrives "
               "by value, pickled with cloudpickle, not by inheritance."),
         wrong("joblib runs notebook functions in threads, in the notebook's own process",
               "The default backend, loky, runs them in worker processes; only "
               "`backend=\"threading\"` uses threads of this process."))),
    Question(
        "A Dask cluster on other machines is reached with `Client(\"tcp://10.0.0.5:8786\")`. "
        "What must be true on every worker machine for `client.map(scan_file, paths)` to work?",
        (right("The workers can import `scan_file` (the same packages and modules installed) "
               "and can read the files the paths name",
               "A function from a module travels by name and each worker imports it; a path is "
               "only a description, so each worker must reach the data it names."),
         wrong("Nothing: the client sends the function's module and the files with each task",
               "Only the pickled function (by name) and its arguments travel; the paths are "
               "strings, and the modules must already be installed on the workers."),
         wrong("The worker machines must run the client's notebook too",
               "Workers run `dask worker` and nothing else; they receive tasks from the "
               "scheduler, not your notebook."))),
    Question(
        "A job of 20 tasks, each 50 ms of CPU work, runs once. Which engine usually finishes it "
        "first on a 4-CPU laptop?",
        (right("A `multiprocessing.Pool`: its start-up and per-task overhead are the smallest, "
               "and the job is short",
               "A second of work cannot pay for the seconds a Dask cluster takes to start; a "
               "`Pool` starts in a fraction of a second and sends a task in microseconds."),
         wrong("A Dask `LocalCluster`: its scheduler balances the tasks best",
               "Its start-up takes seconds and each task costs about a millisecond of "
               "scheduling: for a one-second job that is more than it can save."),
         wrong("They all take the same time: the work is the same",
               "The work is the same, but start-up and per-task overhead differ by factors of "
               "ten between the engines; for short jobs they decide."))),
    Question(
        "In an asyncio server, a coroutine calls a CPU-bound function that takes 2 s. What do "
        "the other clients of the server see?",
        (right("Nothing happens for them for 2 s: the event loop cannot switch until the call "
               "returns",
               "A coroutine gives the loop a turn only at an `await`; a plain call never "
               "awaits, so the loop's one thread is busy for the whole 2 s."),
         wrong("Nothing: asyncio runs each coroutine in its own thread",
               "All coroutines of a loop run in one thread, one at a time; that is why "
               "blocking work must go to an executor with `run_in_executor`."),
         wrong("They are served normally if the function is declared `async def`",
               "`async def` does not make CPU work yield: without an `await` inside, the "
               "coroutine holds the loop just the same."))),
]

QUIZZES: dict[str, tuple[str, list[Question]]] = {
    "00": ("Welcome", NB00),
    "01": ("Processes vs threads", NB01),
    "02": ("Processes", NB02),
    "03": ("Pools", NB03),
    "04": ("Measuring speedup", NB04),
    "05": ("Sharing state", NB05),
    "06": ("Communication", NB06),
    "07": ("A real pipeline", NB07),
    "08": ("Robustness", NB08),
    "09": ("Beyond one machine", NB09),
}
