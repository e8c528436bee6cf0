"""Small tables of results, shown as formatted Markdown in the notebook."""

from __future__ import annotations

from collections.abc import Sequence

from IPython.display import Markdown


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> Markdown:
    """Return a Markdown table that Jupyter shows formatted; ``str(table.data)`` is its text.

    Every row must have one cell per header.
    """
    if not headers:
        raise ValueError("a table needs at least one column header")
    for row in rows:
        if len(row) != len(headers):
            raise ValueError(f"row {list(row)!r} has {len(row)} cells, not {len(headers)}")
    lines = ["| " + " | ".join(map(str, headers)) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(map(str, row)) + " |" for row in rows]
    return Markdown("\n".join(lines))
