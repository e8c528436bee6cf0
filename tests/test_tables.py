"""helpers.tables: Markdown tables with one cell per header."""

import pytest

from helpers.tables import markdown_table


def test_markdown_table_text():
    table = markdown_table(["", "threads"], [("speedup", "1.0x"), ("memory", "shared")])
    assert table.data.splitlines() == [
        "|  | threads |", "|---|---|", "| speedup | 1.0x |", "| memory | shared |"]


def test_rows_must_match_the_headers():
    with pytest.raises(ValueError, match="has 1 cells, not 2"):
        markdown_table(["a", "b"], [("only one",)])
    with pytest.raises(ValueError, match="at least one column"):
        markdown_table([], [])
