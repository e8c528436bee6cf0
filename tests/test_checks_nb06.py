"""helpers.checks.nb06 and the solutions of 06_communication: right answers pass, typical
wrong answers get the hint that helps."""

import importlib.util
import multiprocessing
import runpy
from pathlib import Path

from helpers.checks import nb06
from helpers.messaging import Throughput, slow_report
from helpers.timing import Timing

SOLUTIONS = Path(__file__).parent.parent / "helpers" / "solutions"


def verdict(capsys):
    return capsys.readouterr().out


# --- Exercise 1: the learner's module ----------------------------------------------------------

CONSUME = '''
def consume(inbox, outbox):
    for n in iter(inbox.get, None):
        outbox.put((n, n * n))
'''

RUN = '''
def run_pipeline(numbers, ctx, consumers=2):
    numbers = list(numbers)
    inbox, outbox = ctx.Queue(), ctx.Queue()
    processes = [ctx.Process(target=consume, args=(inbox, outbox)) for _ in range(consumers)]
    for p in processes:
        p.start()
    PUT
    results = [outbox.get(timeout=READ) for _ in numbers]
    JOIN
    return results, processes
'''
PUT_RIGHT = ("for n in numbers:\n        inbox.put(n)\n"
             "    for _ in processes:\n        inbox.put(None)")
JOIN_RIGHT = "for p in processes:\n        p.join(timeout=30)"


def learner_module(tmp_path, name, consume=CONSUME, put=PUT_RIGHT, join=JOIN_RIGHT, read=30,
                   run=RUN):
    """Write a learner's module into tmp_path, import it, return it."""
    text = consume + run.replace("PUT", put).replace("JOIN", join).replace("READ", str(read))
    path = tmp_path / f"{name}.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pipeline_right_answer_passes(tmp_path, capsys):
    assert nb06.check_pipeline(learner_module(tmp_path, "right_pipeline"))
    assert "Well done" in verdict(capsys)


def test_pipeline_starter_gets_the_first_hint(tmp_path, capsys):
    starter = ('def consume(inbox, outbox):\n    pass\n\n\n'
               'def run_pipeline(numbers, ctx, consumers=2):\n    return [], []\n')
    path = tmp_path / "starter_pipeline.py"
    path.write_text(starter)
    spec = importlib.util.spec_from_file_location("starter_pipeline", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert not nb06.check_pipeline(module)
    assert "return the consumer Process objects" in verdict(capsys)


def test_pipeline_one_sentinel_for_two_consumers(tmp_path, capsys):
    put = "for n in numbers:\n        inbox.put(n)\n    inbox.put(None)"
    join = "for p in processes:\n        p.join(timeout=1)"
    assert not nb06.check_pipeline(learner_module(tmp_path, "one_sentinel", put=put, join=join))
    assert "one None per consumer" in verdict(capsys)


def test_pipeline_that_hangs_is_stopped_and_located(tmp_path, capsys):
    put = "for n in numbers:\n        inbox.put(n)\n    inbox.put(None)"
    join = "for p in processes:\n        p.join()"
    module = learner_module(tmp_path, "hangs", put=put, join=join)
    assert not nb06.check_pipeline(module, limit=4)
    text = verdict(capsys)
    assert "did not return within 4 s" in text and "p.join()" in text
    assert "one None per consumer" in text


def test_pipeline_sentinels_before_the_numbers(tmp_path, capsys):
    put = ("for _ in processes:\n        inbox.put(None)\n"
           "    for n in numbers:\n        inbox.put(n)")
    module = learner_module(tmp_path, "early_sentinels", put=put, read=1)
    assert not nb06.check_pipeline(module)
    assert "Empty" in verdict(capsys)  # every get timed out: nobody squared anything


def test_pipeline_results_not_all_read(tmp_path, capsys):
    run = RUN.replace("for _ in numbers]", "for _ in numbers[:10]]")
    assert not nb06.check_pipeline(learner_module(tmp_path, "few_read", run=run))
    assert "have no result" in verdict(capsys)


def test_pipeline_wrong_values(tmp_path, capsys):
    consume = CONSUME.replace("(n, n * n)", "(n, n + n)")
    assert not nb06.check_pipeline(learner_module(tmp_path, "doubles", consume=consume))
    assert "the pair (n, n * n)" in verdict(capsys)


def test_pipeline_consumer_that_crashes(tmp_path, capsys):
    consume = "def consume(inbox, outbox):\n    raise RuntimeError('oops')\n"
    module = learner_module(tmp_path, "crashes", consume=consume, read=1)
    assert not nb06.check_pipeline(module)
    assert "A get() waited in vain" in verdict(capsys)


def test_pipeline_args_without_a_comma(tmp_path, capsys):
    run = RUN.replace("args=(inbox, outbox)", "args=(inbox)")
    module = learner_module(tmp_path, "no_comma", run=run, read=1)
    assert not nb06.check_pipeline(module)
    assert "args must be a tuple" in verdict(capsys)


def test_pipeline_refuses_what_is_not_a_module(capsys, tmp_path):
    assert not nb06.check_pipeline("my_pipeline")
    assert "pass the module itself" in verdict(capsys)
    path = tmp_path / "empty_pipeline.py"
    path.write_text("x = 1\n")
    spec = importlib.util.spec_from_file_location("empty_pipeline", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert not nb06.check_pipeline(module)
    assert "has no function run_pipeline" in verdict(capsys)


def test_pipeline_solution_passes(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # the solution writes my_pipeline.py here
    monkeypatch.syspath_prepend(str(tmp_path))
    from helpers.system import get_context

    runpy.run_path(str(SOLUTIONS / "nb06_pipeline.py"), init_globals={"ctx": get_context()})
    assert "Well done" in verdict(capsys)
    import sys

    sys.modules.pop("my_pipeline", None)


# --- Exercise 2: the deadlock, fixed ----------------------------------------------------------

WHY = "The child cannot exit until its large message is written into the pipe, which is full."


def read_then_join(ctx, parts):
    q = ctx.Queue()
    procs = [ctx.Process(target=slow_report, args=(s, q)) for s in parts]
    for p in procs:
        p.start()
    reports = [q.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    return reports


def join_then_read(ctx, parts):
    q = ctx.Queue()
    procs = [ctx.Process(target=slow_report, args=(s, q)) for s in parts]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=1)
    return [q.get(timeout=30) for _ in procs]


def get_and_join_in_turn(ctx, parts):
    """The half fix: the report read may come from another process than the one joined."""
    q = ctx.Queue()
    procs = [ctx.Process(target=slow_report, args=(s, q)) for s in parts]
    for p in procs:
        p.start()
    reports = []
    for p in procs:
        reports.append(q.get(timeout=30))
        p.join(timeout=3)
    return reports


def join_forever(ctx, parts):
    q = ctx.Queue()
    procs = [ctx.Process(target=slow_report, args=(s, q)) for s in parts]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    return [q.get(timeout=5) for _ in procs]


def children_alive():
    """The processes of this test run still alive (a name and pid each, for the message)."""
    return [f"{p.name} (pid {p.pid})" for p in multiprocessing.active_children() if p.is_alive()]


def test_gather_right_answer_passes(capsys):
    assert nb06.check_gather(read_then_join, WHY)
    assert "Well done" in verdict(capsys)


def test_gather_starter_is_caught_joining_first(capsys):
    assert not nb06.check_gather(join_then_read, WHY)
    assert "calls join() before get()" in verdict(capsys)


def test_gather_half_fix_is_caught_waiting(capsys):
    """The last part's report comes first and is read, while the first part's process is
    joined; the middle report waits. Seconds long enough for a slow spawn start-up."""
    assert not nb06.check_gather(get_and_join_in_turn, WHY, parts=(1.5, 0.75, 0.0))
    assert "may come from another process" in verdict(capsys)


def test_gather_that_hangs_is_stopped(capsys):
    assert not nb06.check_gather(join_forever, WHY, limit=3)
    assert "did not return within 3 s" in verdict(capsys)
    assert children_alive() == []


def test_gather_without_an_explanation(capsys):
    assert not nb06.check_gather(read_then_join, ...)
    assert "write in `why`" in verdict(capsys)


def test_gather_that_raises(capsys):
    def broken(ctx, parts):
        raise KeyError("oops")

    assert not nb06.check_gather(broken, WHY)
    assert "gather raised KeyError" in verdict(capsys)


def test_gather_solution_passes(capsys):
    runpy.run_path(str(SOLUTIONS / "nb06_gather.py"))
    assert "Well done" in verdict(capsys)


# --- Exercise 3: the channel for each job -------------------------------------------------------

def throughput():
    """Pipe fastest for small messages, Queue fastest for large ones, Manager slowest."""
    small = {"Queue": (0.012, 0.009, 0.013), "SimpleQueue": (0.05,) * 3,
             "Pipe": (0.010,) * 3, "Manager queue": (1.0,) * 3}
    large = {"Queue": (0.5,) * 3, "SimpleQueue": (0.9,) * 3, "Pipe": (0.8,) * 3,
             "Manager queue": (2.0,) * 3}
    timings = {(c, 100): Timing(t) for c, t in small.items()}
    timings |= {(c, 10_000_000): Timing(t) for c, t in large.items()}
    return Throughput(1, timings, {100: 100, 10_000_000: 3}, "fork")


def test_channel_choice_right_answer_passes(capsys):
    assert nb06.check_channel_choice(throughput(), "Pipe", "Queue")
    text = verdict(capsys)
    assert "Well done" in text and "shared memory" in text


def test_channel_choice_within_the_noise_passes(capsys):
    assert nb06.check_channel_choice(throughput(), "Queue", "Queue")  # overlaps Pipe at 100 B
    assert "not resolved" in verdict(capsys)


def test_channel_choice_manager_for_small_messages(capsys):
    assert not nb06.check_channel_choice(throughput(), "Manager queue", "Queue")
    text = verdict(capsys)
    assert "round trip" in text and "100 times slower than Pipe" in text


def test_channel_choice_slow_for_large(capsys):
    assert not nb06.check_channel_choice(throughput(), "Pipe", "SimpleQueue")
    assert "1.8 times slower than Queue" in verdict(capsys)


def test_channel_choice_unfilled_or_misspelled(capsys):
    assert not nb06.check_channel_choice(throughput(), ..., "Queue")
    assert "set `many_small` to the name of a channel" in verdict(capsys)
    assert not nb06.check_channel_choice(throughput(), "pipe", "Queue")
    assert "must name one of" in verdict(capsys)
    assert not nb06.check_channel_choice({"Pipe": 1}, "Pipe", "Queue")
    assert "pass the measurement" in verdict(capsys)


def test_channel_solution_passes(capsys):
    runpy.run_path(str(SOLUTIONS / "nb06_channel.py"), init_globals={"throughput": throughput()})
    assert "Well done" in verdict(capsys)
