"""Draw the chart on the README's first screen: notebook 00's process explorer, measured here.

The README shows one real chart from the course, measured on a real machine, not drawn by
hand. This script builds notebook 00's explorer as a learner's Run All does (the same job,
at ``COURSE_SCALE``, default 1), and saves the chart it drew, with the machine named in the
title, to ``docs/images/explorer.png``. Run it on a quiet machine, then commit the image::

    python -m tests.make_readme_chart
"""

from __future__ import annotations

import platform
from pathlib import Path

from helpers.plots import scaling_chart
from helpers.system import start_method, usable_cpus
from helpers.widgets import ProcessExplorer

IMAGE = Path(__file__).resolve().parent.parent / "docs" / "images" / "explorer.png"


def main() -> None:
    explorer = ProcessExplorer()
    title = (f"Notebook 00's explorer on {usable_cpus()} usable CPUs "
             f"(Python {platform.python_version()}, {start_method()})")
    fig = scaling_chart(explorer.result, title=title, max_processes=explorer.max_processes)
    IMAGE.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(IMAGE, format="png", dpi=80)
    print(f"wrote {IMAGE} ({IMAGE.stat().st_size // 1024} KB)")
    print(explorer.result.table())


if __name__ == "__main__":
    main()
