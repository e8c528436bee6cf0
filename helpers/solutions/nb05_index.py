# Solution: my_index.py. Paste these lines under `%%writefile my_index.py` in the exercise's
# first cell (keep that first line), run it, then run the exercise cell again.
def index_words(index, letter, words):
    """Store in index[letter] (a Manager dict) the words that start with letter."""
    found = [word for word in words if word.startswith(letter)]  # a plain, local list
    index[letter] = found  # one assignment: the manager's dict now holds the list


if __name__ == "__main__":  # in the notebook: check this file's copy, a module
    from helpers.checks.nb05 import check_index
    from helpers.solutions import nb05_index
    from helpers.system import get_context

    WORDS = ["apple", "banana", "cherry", "avocado", "blueberry", "cranberry", "apricot"]
    ctx = get_context()
    with ctx.Manager() as manager:
        index = manager.dict({letter: [] for letter in "abc"})
        procs = [ctx.Process(target=nb05_index.index_words, args=(index, letter, WORDS))
                 for letter in "abc"]
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        result = dict(index)
    check_index(nb05_index.index_words, result, WORDS)
