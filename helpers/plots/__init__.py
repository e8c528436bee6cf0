"""Charts of measured timings: bars for comparing ways, and time and speedup against processes.

The charts are plain matplotlib figures that show themselves when they are the last
value of a cell; they need no ``plt.show()`` and leave nothing open behind them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from matplotlib.figure import Figure

from helpers.pools import ChunksizeSweep
from helpers.system import usable_cpus
from helpers.timing import Scaling, Timing

#: CSS pixels per inch of figure: a chart 6.4 inches wide is shown 576 px wide, which
#: fits JupyterLab's output area in a 1024 px wide window with the file browser open.
CSS_DPI = 90
#: Image pixels per CSS pixel: 2 draws every chart at twice its shown size, so that it
#: stays crisp on high-DPI ("retina") screens, and is shown at its own size elsewhere.
PIXEL_RATIO = 2
#: zlib's level for the PNGs (0 to 9): 1 makes a chart several times quicker than the
#: default 6, for a file about a tenth bigger (some 70 kB; nothing for a local kernel).
PNG_COMPRESSION = 1


class CourseFigure(Figure):
    """A matplotlib Figure that Jupyter shows as a crisp PNG image at its own size.

    Its layout is ``"tight"`` unless you ask for another: labels are fitted into the
    figure when it is drawn, so it needs no ``bbox_inches="tight"`` (a second drawing).
    """

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("layout", "tight")
        super().__init__(*args, **kwargs)

    def _repr_png_(self) -> bytes:
        return figure_png(self)

    def _repr_mimebundle_(self, include=None, exclude=None):
        png = figure_png(self)
        width, height = css_size(png)
        return {"image/png": png}, {"image/png": {"width": width, "height": height}}


#: The subplot parameters that a tight layout sets.
_SUBPLOT_PARAMS = ("left", "right", "bottom", "top", "wspace", "hspace")


def _tick_texts(axis) -> tuple:
    """The tick labels ``axis`` will draw, as its draw works them out, without drawing."""
    from matplotlib.ticker import NullLocator
    from matplotlib.transforms import _interval_contains_close

    low, high = sorted(axis.get_view_interval())
    transform = axis.get_transform()
    interval = transform.transform([low, high])
    texts = []
    for which, ticks_kw in ((axis.major, axis._major_tick_kw), (axis.minor, axis._minor_tick_kw)):
        if not axis._tick_group_visible(ticks_kw) or isinstance(which.locator, NullLocator):
            continue
        locs = list(which.locator())
        labels = which.formatter.format_ticks(locs)
        texts.append(tuple(label for loc, label in zip(locs, labels, strict=True)
                           if _interval_contains_close(interval, transform.transform(loc))))
    return tuple(texts)


def layout_key(fig: Figure) -> tuple:
    """What a tight layout of ``fig`` depends on: its size, its axes and every text in it.

    Two figures drawn by the same chart function with equal keys get the same layout:
    the same tick labels, axis labels, titles, legend entries and annotations (with
    where each one sits in its axes, to a tenth of the axes).
    """
    key: list = [tuple(fig.get_size_inches()), fig.dpi,
                 tuple(t.get_text() for t in fig.texts),
                 fig._suptitle.get_text() if fig._suptitle else None]
    for ax in fig.axes:
        spec = ax.get_subplotspec()
        key.append((spec.get_geometry() if spec else tuple(ax.get_position().bounds),
                    ax.get_title("left"), ax.get_title(), ax.get_title("right"),
                    ax.xaxis.label.get_text(), ax.yaxis.label.get_text(),
                    _tick_texts(ax.xaxis), _tick_texts(ax.yaxis)))
        legend = ax.get_legend()
        if legend is not None:
            key.append((legend.get_title().get_text(),
                        tuple(t.get_text() for t in legend.get_texts())))
        to_axes = ax.transAxes.inverted()
        for text in ax.texts:
            x, y = to_axes.transform(text.get_transform().transform(
                getattr(text, "xy", text.get_position())))
            key.append((text.get_text(), round(x, 1), round(y, 1)))
    return tuple(key)


class LayoutMemo:
    """A chart's last tight layout, reused while its texts stay the same.

    A tight layout measures every label of the figure, which costs about as much as
    drawing it. An explorer redraws the same chart with new data on every click, and
    most clicks change no label: then the layout of the last drawing still fits, and
    :func:`figure_png` applies it instead of working it out again. The new figure is
    put in the old layout first, and its :func:`layout_key` taken there (tick labels
    depend on the axes' size) must equal the old one's; any change (a tick label, a
    title, a legend entry, a size) lays it out afresh. ``reused`` and ``computed`` count
    the two cases.
    """

    def __init__(self) -> None:
        self.key: tuple | None = None
        self.params: dict[str, float] = {}
        self.reused = 0
        self.computed = 0

    def apply(self, fig: Figure, engine) -> None:
        """Lay ``fig`` out with ``engine``, or with the remembered layout if it still fits."""
        from matplotlib.layout_engine import TightLayoutEngine

        if not isinstance(engine, TightLayoutEngine):
            engine.execute(fig)
            return
        if self.key is not None:  # lay it out as the last one, then check its texts
            fig.subplots_adjust(**self.params)
            if layout_key(fig) == self.key:
                self.reused += 1
                return
        engine.execute(fig)
        # The key is taken where the axes end up: tick labels depend on the axes' size.
        self.key = layout_key(fig)
        self.params = {name: getattr(fig.subplotpars, name) for name in _SUBPLOT_PARAMS}
        self.computed += 1


def figure_png(fig: Figure, pixel_ratio: int = PIXEL_RATIO,
               layout: LayoutMemo | None = None) -> bytes:
    """Return ``fig`` drawn as PNG bytes, ``pixel_ratio`` image pixels per CSS pixel.

    Show it ``css_size(png)`` CSS pixels large: at twice the pixels, a chart is crisp on
    a high-DPI screen. A figure with a layout engine (every :class:`CourseFigure`) is
    laid out once and drawn once, at its own size; one without is cropped to what it
    holds (``bbox_inches="tight"``, which draws it twice).

    An explorer redraws on every click, so this is quick: ``savefig`` would lay the
    figure out by drawing it all once with the drawing switched off, then draw it again;
    here the layout engine runs on its own (it measures only the labels) and the figure
    is drawn once. An opaque figure (the usual white one) is stored as RGB, with light
    compression: a little bigger, much quicker to make than matplotlib's RGBA PNG.

    ``layout``, a :class:`LayoutMemo` kept between calls (an explorer keeps one for its
    chart), skips the layout when the figure's labels are those it was laid out for.
    """
    if isinstance(pixel_ratio, bool) or not isinstance(pixel_ratio, int) or pixel_ratio < 1:
        raise ValueError(f"pixel_ratio must be a whole number, 1 or more, not {pixel_ratio!r}")
    engine = fig.get_layout_engine()
    if engine is None:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=CSS_DPI * pixel_ratio, bbox_inches="tight",
                    metadata={"Software": None})
        return buffer.getvalue()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    old_canvas, old_dpi = fig.canvas, fig.dpi
    canvas = FigureCanvasAgg(fig)  # a canvas of its own: the figure may belong to none
    try:
        fig.dpi = CSS_DPI * pixel_ratio
        if layout is None:
            engine.execute(fig)  # what savefig's first, silent drawing is for
        else:
            layout.apply(fig, engine)
        with fig._cm_set(layout_engine="none"):  # laid out: draw it once, as it is
            canvas.draw()
        image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(),
                                 "raw", "RGBA", 0, 1)
        if image.getextrema()[3][0] == 255:  # no see-through pixel: RGB says the same
            image = image.convert("RGB")
        buffer = io.BytesIO()
        image.save(buffer, format="png", compress_level=PNG_COMPRESSION)
    finally:
        fig.dpi = old_dpi
        fig.set_canvas(old_canvas)
    return buffer.getvalue()


def css_size(png: bytes, pixel_ratio: int = PIXEL_RATIO) -> tuple[int, int]:
    """Return the (width, height) in CSS pixels at which to show ``png`` from :func:`figure_png`.

    Read from the PNG's header (its IHDR chunk), divided by ``pixel_ratio``.
    """
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG image: give the bytes that figure_png returned")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    return round(width / pixel_ratio), round(height / pixel_ratio)


def seconds_text(seconds: float) -> str:
    """Return ``seconds`` in a readable unit: ``"1.25 s"``, ``"37.1 ms"``, ``"2.0 µs"``."""
    if seconds >= 0.01:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.1f} µs"


def bar_chart(
    timings: Sequence[Timing], title: str = "Time to finish the same work", log: bool = False
) -> Figure:
    """Return one row per timing: the median, with a line from fastest to slowest run.

    On a linear axis each median is a bar. With ``log=True`` the time axis is logarithmic,
    so that microseconds and seconds both show (each step of the axis is ten times the one
    before); a bar's length means nothing on a log axis (where would it start?), so each
    median is a point there.
    """
    if not timings:
        raise ValueError("bar_chart needs at least one Timing to draw")
    fig = CourseFigure(figsize=(7, 0.6 * len(timings) + 1.2))
    ax = fig.subplots()
    labels = [t.label or f"run {i + 1}" for i, t in enumerate(timings)]
    medians = [t.median for t in timings]
    errors = [[t.median - t.best for t in timings], [t.worst - t.median for t in timings]]
    texts = [seconds_text(m) for m in medians]
    if log:
        rows = list(range(len(timings)))
        ax.errorbar(medians, rows, xerr=errors, fmt="o", color="tab:blue", capsize=4,
                    markersize=8)
        ax.set_yticks(rows, labels)
        for m, row, text in zip(medians, rows, texts, strict=True):
            ax.annotate(text, (m, row), textcoords="offset points", xytext=(0, 9),
                        ha="center")
        positive = [t.best for t in timings if t.best > 0] or [1e-6]
        ax.set_xscale("log")
        ax.set_xlim(min(positive) / 3, max(t.worst for t in timings) * 5)
        ax.set_ylim(len(timings) - 0.5, -0.7)
        ax.grid(alpha=0.3, axis="x", which="both")
    else:
        bars = ax.barh(labels, medians, xerr=errors, color="tab:blue", capsize=4)
        ax.bar_label(bars, labels=texts, padding=6)
        ax.invert_yaxis()
        ax.set_xlim(0, max(t.worst for t in timings) * 1.3)
    ax.set_xlabel("wall-clock time (s), median; line: fastest to slowest run"
                  + (" (log scale)" if log else ""))
    ax.set_title(title)
    return fig


def ideal_speedup(processes: int, usable: int) -> int:
    """The best speedup ``processes`` can give with ``usable`` CPUs: ``min(processes, usable)``.

    Up to the usable CPUs, each process adds a CPU; past them, the processes only share
    the same CPUs, so the ideal line goes flat.
    """
    return min(processes, usable)


def scaling_chart(
    result: Scaling, title: str = "", usable: int | None = None, max_processes: int = 0
) -> Figure:
    """Return two panels: time against processes, and speedup against processes.

    The speedup panel has the ideal line, ``min(processes, usable CPUs)``: it rises by one
    for each process up to the CPUs you can use (the red line), then stays flat, since
    more processes only share the same CPUs. The x-axis goes at least to
    ``max_processes``, so an explorer's chart keeps room for every choice.
    """
    usable = usable or usable_cpus()
    procs = list(result.processes)
    if not procs:
        raise ValueError("scaling_chart needs at least one measured process count")
    top = max(max(procs), usable, max_processes)
    fig = CourseFigure(figsize=(6.4, 3.3))
    ax_time, ax_speed = fig.subplots(1, 2)
    medians = [t.median for t in result.timings]
    errors = [[t.median - t.best for t in result.timings],
              [t.worst - t.median for t in result.timings]]
    ax_time.errorbar(procs, medians, yerr=errors, marker="o", capsize=3, label="processes")
    ax_time.axhline(result.serial.median, color="gray", linestyle="--", label="serial loop")
    ax_time.set_xlabel("processes")
    ax_time.set_ylabel("wall-clock time (s)")
    ax_time.set_ylim(0, max(max(t.worst for t in result.timings), result.serial.median) * 1.15)
    ax_time.legend(loc="best", fontsize="small")

    corners = sorted({1, min(usable, top), top})
    ax_speed.plot(corners, [ideal_speedup(p, usable) for p in corners], color="gray",
                  linestyle="--", label="ideal")
    ax_speed.plot(procs, result.speedups, marker="o", label="measured")
    ax_speed.axvline(usable, color="tab:red", linestyle=":", label=f"usable CPUs ({usable})")
    ax_speed.set_xlabel("processes")
    ax_speed.set_ylabel("speedup over the loop (x)")
    ax_speed.set_ylim(0, max([usable, *result.speedups]) * 1.15)
    ax_speed.legend(loc="best", fontsize="small")
    for ax in (ax_time, ax_speed):
        if top <= 12:
            ax.set_xticks(range(1, top + 1))
        ax.set_xlim(0.5, top + 0.5)
        ax.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    return fig


def chunksize_chart(
    sweeps: ChunksizeSweep | Sequence[ChunksizeSweep], title: str = "",
    mark: tuple[int, int] | None = None,
) -> Figure:
    """Return time against chunksize (log scale), one line per process count.

    The dashed line is the plain loop: below it the pool wins. On a line of two points
    or more, a star marks its best chunksize; ``mark=(processes, chunksize)`` rings one
    point (the explorer marks the run it just made), wide enough to leave a star inside
    it in view. For a sweep that knows each task's work, a dotted line shows the least
    time its chunking allows if messages cost nothing: the busiest process's share of
    the loop (:func:`helpers.pools.busiest_share`). Where it rises, big chunks leave
    processes idle while one works.
    """
    sweeps = [sweeps] if isinstance(sweeps, ChunksizeSweep) else list(sweeps)
    if not sweeps:
        raise ValueError("chunksize_chart needs at least one ChunksizeSweep to draw")
    fig = CourseFigure(figsize=(6.4, 3.5))
    ax = fig.subplots()
    top = sweeps[0].serial.median
    for sweep in sorted(sweeps, key=lambda s: s.processes):
        errors = [[t.median - t.best for t in sweep.timings],
                  [t.worst - t.median for t in sweep.timings]]
        line = ax.errorbar(sweep.chunksizes, sweep.medians, yerr=errors, marker="o",
                           capsize=3, label=f"{sweep.processes} process"
                           + ("es" if sweep.processes > 1 else ""))
        color = line[0].get_color()
        top = max(top, *(t.worst for t in sweep.timings))
        if len(sweep.chunksizes) > 1:  # a best of one point says nothing
            ax.plot([sweep.best_chunksize], [sweep.best.median], marker="*", markersize=15,
                    color=color, markeredgecolor="white", markeredgewidth=0.8,
                    linestyle="none", zorder=4)
        if sweep.work:
            floor = [sweep.serial.median / sweep.most_possible(c) for c in sweep.chunksizes]
            ax.plot(sweep.chunksizes, floor, color=color, linestyle=":",
                    label="least time these chunks allow\n(messages free, busiest process)")
        if mark and mark[0] == sweep.processes and mark[1] in sweep.chunksizes:
            ax.plot([mark[1]], [sweep.timing(mark[1]).median], marker="o", markersize=22,
                    markerfacecolor="none", markeredgecolor="black", markeredgewidth=1.2,
                    linestyle="none", zorder=3)
    ax.axhline(sweeps[0].serial.median, color="gray", linestyle="--", label="plain loop")
    ax.set_xscale("log")
    sizes = sorted({c for sweep in sweeps for c in sweep.chunksizes})
    ax.set_xticks(sizes, [str(c) for c in sizes])
    ax.minorticks_off()
    ax.set_xlim(sizes[0] / 2, sizes[-1] * 2)
    ax.set_xlabel("chunksize (items per message, log scale)")
    ax.set_ylabel("wall-clock time (s), median")
    ax.set_ylim(0, top * 1.15)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize="small")
    ax.set_title(title or f"{sweeps[0].label}: time against chunksize\n"
                 "(pool already started)", fontsize="medium")
    return fig


# --- 04_measuring_speedup: Amdahl, Gustafson and the overhead model ------------------------
def amdahl_chart(
    processes: Sequence[int], speedups: Sequence[float], serial_fraction: float,
    usable: int | None = None, title: str = "", tasks: int | None = None,
) -> Figure:
    """Return measured speedups (points) and the Amdahl curve fitted to them.

    The x-axis covers the measured process counts and no more: the curve is drawn where
    there are points. Its ceiling ``1 / f`` is an extrapolation (to infinitely many
    processes, and as many tasks), drawn dotted and labelled so. ``tasks``, if given, marks
    the most processes the job can ever keep busy; ``usable`` the CPUs you can use.
    """
    from helpers.model import amdahl_limit, amdahl_speedup

    usable = usable or usable_cpus()
    top = max(processes)
    counts = list(range(1, top + 1))
    fig = CourseFigure(figsize=(7.5, 4.2))
    ax = fig.subplots()
    ideal = [min(p, usable) for p in counts]
    ax.plot(counts, ideal, color="gray", linestyle="--", label="ideal: min(processes, CPUs)")
    ax.plot(counts, amdahl_speedup(counts, serial_fraction), color="tab:orange",
            label=f"Amdahl, fitted f = {serial_fraction:.3f}")
    ax.plot(processes, speedups, "o", color="tab:blue", markersize=8, label="measured")
    y_top = max(top, max(speedups)) + 0.5
    limit = amdahl_limit(serial_fraction)
    ceiling = f"ceiling 1/f = {limit:.1f}x (extrapolated: infinitely many processes)"
    if limit < 3 * y_top:
        ax.axhline(limit, color="tab:orange", linestyle=":", label=ceiling)
        y_top = max(y_top, limit + 0.5)
    else:  # far above the points: named in the legend, not drawn
        ax.plot([], [], " ", label=ceiling + ", off the chart"
                if limit < float("inf") else "no ceiling: f = 0")
    if usable <= top:
        ax.axvline(usable, color="tab:red", linestyle=":", label=f"usable CPUs ({usable})")
    if tasks is not None and tasks <= top:
        ax.axvline(tasks, color="black", linestyle="-.", label=f"{tasks} tasks: no more can work")
    ax.set_xlabel("processes")
    ax.set_ylabel("speedup over the plain loop (x)")
    ax.set_xticks(counts)
    ax.set_xlim(0.5, top + 0.5)
    ax.set_ylim(0, y_top)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize="small")
    ax.set_title(title or "Amdahl's law fitted to your measurements")
    return fig


def weak_scaling_chart(
    processes: Sequence[int], times: Sequence[float], usable: int | None = None,
    title: str = "", serial_times: Sequence[float] | None = None,
) -> Figure:
    """Return the weak-scaling view: each process brings its own share of work.

    Left: the time, which stays flat if the work is shared perfectly. Right: Gustafson's
    scaled speedup, ``serial_times[i] / times[i]``: how much longer one process (a plain
    loop) needs for the grown work than the ``p`` processes took
    (:func:`helpers.model.scaled_speedups`), with Gustafson's line fitted to it and the
    ideal line min(p, CPUs). Without ``serial_times`` the loop is taken to need
    ``p * times[0]``, which assumes the job has no serial part at all.
    """
    from helpers.model import fit_gustafson_fraction, gustafson_speedup, scaled_speedups

    usable = usable or usable_cpus()
    if serial_times is None:
        serial_times = [p * times[0] for p in processes]
    scaled = scaled_speedups(serial_times, times)
    fit = [(p, x) for p, x in zip(processes, scaled, strict=True) if p <= max(2, usable)]
    f = fit_gustafson_fraction(*zip(*fit, strict=True)) if max(processes) > 1 else 0.0
    top = max(max(processes), usable)
    fig = CourseFigure(figsize=(10, 3.8))
    ax_time, ax_speed = fig.subplots(1, 2)
    ax_time.plot(processes, times, marker="o")
    ax_time.axhline(times[0], color="gray", linestyle="--", label="one process, one share")
    ax_time.set_xlabel("processes (and shares of work)")
    ax_time.set_ylabel("wall-clock time (s)")
    ax_time.set_ylim(bottom=0)
    ax_time.legend()
    counts = list(range(1, top + 1))
    ax_speed.plot(counts, [min(p, usable) for p in counts], color="gray", linestyle="--",
                  label="ideal: min(p, CPUs)")
    ax_speed.plot(counts, gustafson_speedup(counts, f), color="tab:orange",
                  label=f"Gustafson, fitted f = {f:.3f}")
    ax_speed.plot(processes, scaled, "o", color="tab:blue", markersize=8, label="measured")
    ax_speed.axvline(usable, color="tab:red", linestyle=":", label=f"usable CPUs ({usable})")
    ax_speed.set_xlabel("processes (and shares of work)")
    ax_speed.set_ylabel("scaled speedup (x): loop time / time")
    ax_speed.set_ylim(bottom=0)
    ax_speed.legend(fontsize="small")
    for ax in (ax_time, ax_speed):
        ax.set_xticks(counts)
        ax.grid(alpha=0.3)
    fig.suptitle(title or "Weak scaling: the work grows with the processes")
    return fig


#: Marker shapes for measured points, one per process count, so that points at the
#: same place stay told apart.
POINT_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", ">", "h")


def processes_label(n: int) -> str:
    """``"1 process"``, ``"2 processes"``: a legend label."""
    return f"{n} process" if n == 1 else f"{n} processes"


def plain_number(value: float, _position: object = None) -> str:
    """A tick label without powers of ten: ``1``, ``0.1``, ``0.01``, ``1,000``, ``2.5``."""
    if value >= 1000:
        return f"{value:,.0f}"
    return f"{value:.6g}"


def prediction_chart(
    model, sizes: Sequence[int], processes: int, tasks: int,
    measured: Sequence[tuple[int, int, float]] = (), title: str = "",
) -> Figure:
    """Return predicted speedup against task size for ``processes``, with measured points.

    ``model`` is a :class:`helpers.model.OverheadModel`; ``measured`` holds
    ``(size, processes, speedup)`` triples. Both axes are logarithmic, labelled with
    plain numbers (1, 0.1, 0.01): the left of the chart is where the pool costs more
    than it saves (below the break-even line). Each process count has its colour and
    marker shape, and is shifted a little sideways, so that points measured at the same
    task size do not hide one another.
    """
    import numpy as np
    from matplotlib.legend_handler import HandlerTuple
    from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

    if not sizes:
        raise ValueError("prediction_chart needs at least one task size")
    lo, hi = min(sizes), max(sizes)
    grid = np.unique(np.geomspace(lo / 2, hi * 2, 40).astype(int))
    grid = grid[grid >= 1]
    fig = CourseFigure(figsize=(6.4, 3.6))
    ax = fig.subplots()
    counts = sorted({processes} | {p for _, p, _ in measured})
    style = {p: (f"C{i % 10}", POINT_MARKERS[i % len(POINT_MARKERS)])
             for i, p in enumerate(counts)}
    shift = {p: 1.07 ** (i - (len(counts) - 1) / 2) for i, p in enumerate(counts)}
    speedups = [speedup for _, _, speedup in measured]
    handles = []
    for p in counts:  # one legend entry per process count: its curve and its marker
        color, marker = style[p]
        chosen = p == processes
        (curve,) = ax.plot(grid, [model.predict_speedup(int(s), p, tasks) for s in grid],
                           color=color, linewidth=2.5 if chosen else 1,
                           alpha=1 if chosen else 0.5)
        mine = [(size * shift[p], speedup) for size, q, speedup in measured if q == p]
        (points,) = ax.plot([x for x, _ in mine], [y for _, y in mine], linestyle="none",
                            marker=marker, markersize=7, color=color, markeredgecolor="black",
                            markeredgewidth=0.6, alpha=0.85, zorder=3)
        handles.append(((curve, points), processes_label(p)))
    handles.append((ax.axhline(1, color="gray", linestyle="--"), "break even (pool = loop)"))
    handles.append((ax.axhline(model.cpus, color="gray", linestyle=":"),
                    f"{model.cpus} usable CPUs"))
    ax.set_xscale("log")
    ax.set_yscale("log")
    low = min([0.5, *speedups, *(model.predict_speedup(lo, p, tasks) for p in counts)])
    ax.set_ylim(low / 1.6, max([model.cpus, *speedups]) * 1.6)
    ax.set_xlim(lo / 2.5, hi * 2.5)
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(LogLocator(base=10))
        axis.set_major_formatter(FuncFormatter(plain_number))
        axis.set_minor_locator(NullLocator())  # unlabelled minor ticks cost time to draw
    ax.set_xlabel(f"task size (cpu_task iterations per task, {tasks} tasks; log scale)")
    ax.set_ylabel("speedup over the loop (x, log scale)")
    ax.grid(alpha=0.3, which="major")
    ax.legend(*zip(*handles, strict=True), loc="lower right", fontsize="small",
              title="model (line), measured (points)", title_fontsize="small",
              handler_map={tuple: HandlerTuple(ndivide=1)})
    ax.set_title(title or "When does a pool pay? The model's prediction and your runs",
                 fontsize="medium")
    return fig
