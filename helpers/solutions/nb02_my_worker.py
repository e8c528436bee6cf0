"""My worker module: the function my child processes run.

The solution of 02's exercise 3, part 1: this is what goes under `%%writefile my_worker.py`.
"""


def sum_of_squares(numbers, out):
    """Send the sum of n * n for n in numbers back to the parent through the queue out."""
    out.put(sum(n * n for n in numbers))  # send it, do not print it: a child's print may get lost
