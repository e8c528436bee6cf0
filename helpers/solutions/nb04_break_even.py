# Solution: double the task size until the model predicts a speedup above 1.
from helpers.checks.nb04 import check_break_even

my_break_even = None
size = 1_000
while size < 10**10:
    if model.predict_speedup(size, CPUS) > 1:
        my_break_even = size
        break
    size *= 2
print(f"The pool starts to pay at about {my_break_even} iterations per task")
check_break_even(my_break_even, model, CPUS)
