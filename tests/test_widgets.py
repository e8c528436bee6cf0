"""helpers.widgets: the explorer base and notebook 00's ProcessExplorer.

What every explorer shares is tested here once, on each of the four: it draws at least
three points when created, its controls work from the keyboard (no Dropdown), and its
button stays disabled until the new chart is shown.
"""

import io

import ipywidgets as widgets
import pytest

from helpers.model import OverheadModel
from helpers.plots import (
    CSS_DPI,
    CourseFigure,
    LayoutMemo,
    chunksize_chart,
    css_size,
    figure_png,
    scaling_chart,
)
from helpers.pools import ChunksizeSweep
from helpers.startup import StartupExplorer
from helpers.system import usable_cpus
from helpers.timing import Scaling, Timing
from helpers.widgets import (
    ChunksizeExplorer,
    Explorer,
    ProcessExplorer,
    SpeedupPredictor,
    explorer_controls,
    processes_text,
    speedup_text,
)
from helpers.widgets.pools import messages_text
from helpers.workers import cpu_task

SMALL = [20_000] * 4
MODEL = OverheadModel(startup=0.01, per_process=0.005, per_task=2e-5, work_factor=1.0,
                      seconds_per_unit=1e-7, cpus=2)


def all_parts(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from all_parts(child)


@pytest.fixture(scope="module")
def explorers():
    """One small explorer of each kind, made once for the tests that only look."""
    return {
        "process": ProcessExplorer(cpu_task, SMALL, max_processes=3, repeats=1),
        "startup": StartupExplorer(methods=["spawn"], max_processes=3, repeats=1, processes=3),
        "chunksize": ChunksizeExplorer(cpu_task, [50] * 150, max_processes=2, repeats=1),
        "predictor": SpeedupPredictor(model=MODEL, sizes=[100, 1000, 10_000, 100_000],
                                      tasks=4, repeats=1),
    }


def test_every_explorer_opens_with_three_points_and_a_crisp_chart(explorers):
    process, startup, chunksize, predictor = explorers.values()
    assert set(process.timings) == {1, 2, 3}
    assert set(startup.timings["spawn"]) == {1, 2, 3}
    assert chunksize.sweeps[0].chunksizes == (1, 10, 100)
    assert {size for size, _ in predictor.points} == {100, 1000, 10_000}
    for explorer in explorers.values():
        png = bytes(explorer.image.value)
        assert png.startswith(b"\x89PNG")
        width, _height = css_size(png)
        assert explorer.image.layout.width == f"{width}px"  # its own size, not stretched
        assert explorer.image.layout.max_width == "100%"  # shrinks in a narrow notebook
        assert width <= 580  # fits JupyterLab's output area in a 1024 px window
        assert explorer.run_count == 1 and explorer.run_seconds > 0
        assert explorer.run_seconds_field.value.startswith("1 ")
        assert 0 < explorer.draw_seconds < explorer.run_seconds
        assert not explorer.button.disabled


def test_explorer_controls_work_from_the_keyboard(explorers):
    for name, explorer in explorers.items():
        parts = list(all_parts(explorer.widget))
        assert not [p for p in parts if isinstance(p, widgets.Dropdown)], name
    assert isinstance(explorers["startup"].method, widgets.ToggleButtons)
    assert isinstance(explorers["predictor"].size, widgets.SelectionSlider)
    assert isinstance(explorers["chunksize"].chunk_slider, widgets.SelectionSlider)


class Recorder(Explorer):
    """An explorer that draws a chart of one number, to watch the order of events."""

    def __init__(self, fail: bool = False) -> None:
        self.slider = widgets.IntSlider(value=1, min=1, max=3, description="n")
        super().__init__([self.slider])
        self.fail, self.events = fail, []
        self.image.observe(lambda _c: self.events.append(("image", self.button.disabled)),
                           names="value")
        self.button.observe(lambda c: self.events.append(("button", c["new"])),
                            names="disabled")
        self.run()

    def run(self) -> int:
        n = self.choose(self.slider)
        with self.busy("drawing..."):
            if self.fail:
                raise RuntimeError("no chart today")
            fig = CourseFigure(figsize=(2, 1))
            fig.subplots().plot([0, n], [0, n])
            self.show(fig)
            self.status.value = f"drew {n}"
        return n


def test_the_button_stays_disabled_until_the_chart_is_shown():
    explorer = Recorder()
    assert explorer.events == [("button", True), ("image", True), ("button", False)]
    explorer.events.clear()
    explorer.slider.value = 2
    explorer.button.click()
    assert explorer.events == [("button", True), ("image", True), ("button", False)]
    assert explorer.status.value == "drew 2" and explorer.run_count == 2


def test_a_failed_run_says_so_and_gives_the_button_back():
    with pytest.raises(RuntimeError, match="no chart"):
        Recorder(fail=True)
    explorer = Recorder()
    explorer.fail = True
    with pytest.raises(RuntimeError):
        explorer.run()
    assert "Stopped: RuntimeError: no chart today" in explorer.status.value
    assert not explorer.button.disabled


def test_choose_refuses_what_a_control_does_not_offer():
    explorer = Recorder()
    assert explorer.choose(explorer.slider, 3) == 3 and explorer.slider.value == 3
    with pytest.raises(ValueError, match="from 1 to 3"):
        explorer.choose(explorer.slider, 4)  # a slider would clamp it to 3 and measure 3
    buttons = widgets.ToggleButtons(options=["fork", "spawn"], value="fork")
    with pytest.raises(ValueError, match="not one of the choices fork, spawn"):
        explorer.choose(buttons, "clone", "method")


def test_texts_for_status_lines():
    assert processes_text(1) == "1 process" and processes_text(3) == "3 processes"
    assert speedup_text(1.8532) == "1.85x"
    assert speedup_text(0.0033333) == "0.00333x"  # never 0.00x
    assert speedup_text(12.345) == "12.3x" and speedup_text(250.4) == "250x"


def test_explorer_controls_still_hands_out_the_loose_parts():
    slider, button, status, image = explorer_controls(4, "Go", processes=9)
    assert slider.value == 4 and slider.max == 4 and button.description == "Go"
    assert isinstance(status, widgets.HTML) and isinstance(image, widgets.Image)


# --- ProcessExplorer (00) ---------------------------------------------------------------
def test_explorer_draws_its_first_chart_when_created(explorers):
    explorer = explorers["process"]
    assert explorer.slider.value == min(usable_cpus(), 3)  # left on the usable CPUs
    assert "speedup" in explorer.status.value
    assert f"<b>{processes_text(explorer.slider.value)}</b>" in explorer.status.value


@pytest.mark.parametrize("usable, top, counts", [
    (1, 3, [2, 3, 1]), (2, 4, [1, 4, 2]), (8, 16, [1, 16, 8]), (2, 2, [1, 2]), (4, 1, [1]),
])
def test_first_counts_are_three_where_the_slider_allows_the_usable_cpus_last(
        usable, top, counts):
    assert ProcessExplorer.first_counts(usable, top) == counts


def test_explorer_measures_the_initial_counts_asked_for():
    explorer = ProcessExplorer(cpu_task, SMALL, max_processes=2, repeats=1, initial=[2])
    assert list(explorer.timings) == [2]
    with pytest.raises(ValueError, match="1 or more"):
        ProcessExplorer(cpu_task, SMALL, max_processes=2, repeats=1, initial=[0])
    with pytest.raises(ValueError, match="from 1 to 2"):
        ProcessExplorer(cpu_task, SMALL, max_processes=2, repeats=1, initial=[3])


def test_explorer_leaves_the_slider_on_the_last_count_asked_for():
    """With 1 usable CPU the first runs are 1, 2 x 1 and 1: the slider must end on 1."""
    explorer = ProcessExplorer(cpu_task, SMALL, max_processes=3, repeats=1, initial=[1, 3, 1])
    assert list(explorer.timings) == [3, 1]  # each count measured once
    assert explorer.slider.value == 1
    assert "<b>1 process</b>" in explorer.status.value


def test_clicking_run_measures_the_slider_value_and_redraws():
    explorer = ProcessExplorer(cpu_task, SMALL, max_processes=2, repeats=1, initial=[1])
    first_image, first_status = bytes(explorer.image.value), explorer.status.value
    explorer.slider.value = 2
    explorer.button.click()
    assert 2 in explorer.timings and len(explorer.timings) == 2
    assert explorer.result.processes == (1, 2)
    assert bytes(explorer.image.value) != first_image
    assert explorer.status.value != first_status
    assert "<b>2 processes</b>" in explorer.status.value
    speed = explorer.chart().axes[1].get_lines()[1]  # the measured speedups
    assert list(speed.get_xdata()) == [1, 2]
    assert list(speed.get_ydata()) == pytest.approx(explorer.result.speedups)


def test_slider_goes_to_twice_the_usable_cpus_and_at_least_three_by_default():
    explorer = ProcessExplorer(cpu_task, [1000], repeats=1, initial=[1])
    assert explorer.slider.max == max(3, 2 * usable_cpus()) and explorer.slider.min == 1


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="1 or more"):
        ProcessExplorer(cpu_task, SMALL, max_processes=-1)
    with pytest.raises(ValueError, match="at least one"):
        ProcessExplorer(cpu_task, [])
    with pytest.raises(ValueError, match="at least one"):
        ProcessExplorer(cpu_task, SMALL, initial=[])


# --- the charts the explorers draw --------------------------------------------------------
def test_the_ideal_line_is_min_of_processes_and_usable_cpus():
    result = Scaling((1, 2, 4), (Timing((2.0,)), Timing((1.1,)), Timing((1.0,))), Timing((2.0,)))
    ax_time, ax_speed = scaling_chart(result, usable=2, max_processes=6).axes
    ideal = {line.get_label(): line for line in ax_speed.get_lines()}["ideal"]
    xs, ys = list(ideal.get_xdata()), list(ideal.get_ydata())
    assert xs == [1, 2, 6] and ys == [1, 2, 2]  # up by one per CPU, then flat
    assert ax_speed.get_xlim()[1] == 6.5


def test_chunksize_chart_stars_only_lines_of_two_points_and_rings_around_the_star():
    loop, fast, slow = Timing((1.0,)), Timing((0.3,)), Timing((0.6,))
    sweeps = [ChunksizeSweep(1, (10,), (slow,), loop, 100),
              ChunksizeSweep(2, (1, 10), (slow, fast), loop, 100)]
    ax = chunksize_chart(sweeps, mark=(2, 10)).axes[0]
    stars = [line for line in ax.get_lines() if line.get_marker() == "*"]
    rings = [line for line in ax.get_lines() if line.get_markerfacecolor() == "none"]
    assert len(stars) == 1 and list(stars[0].get_xdata()) == [10]  # not on the 1-point line
    assert len(rings) == 1 and list(rings[0].get_xdata()) == [10]
    assert rings[0].get_markersize() > stars[0].get_markersize()  # the star shows inside
    assert stars[0].get_zorder() > rings[0].get_zorder()


def test_figures_are_drawn_at_twice_their_css_size_and_say_so_to_jupyter():
    fig = CourseFigure(figsize=(4, 2))
    fig.subplots().plot([1, 2], [3, 4])
    png = figure_png(fig)
    assert css_size(png) == (4 * CSS_DPI, 2 * CSS_DPI)
    assert css_size(png, pixel_ratio=1) == (8 * CSS_DPI, 4 * CSS_DPI)
    data, metadata = fig._repr_mimebundle_()
    assert data["image/png"].startswith(b"\x89PNG")
    assert metadata["image/png"] == {"width": 4 * CSS_DPI, "height": 2 * CSS_DPI}
    with pytest.raises(ValueError, match="not a PNG"):
        css_size(b"GIF89a")
    with pytest.raises(ValueError, match="pixel_ratio"):
        figure_png(fig, pixel_ratio=0)


def line_figure(ys, ylabel="seconds"):
    fig = CourseFigure(figsize=(4, 2))
    ax = fig.subplots()
    ax.plot([1, 2, 3], ys)
    ax.set_ylim(0, 1.2)
    ax.set_ylabel(ylabel)
    return fig


def test_a_kept_layout_is_reused_only_while_the_labels_stay_the_same():
    from PIL import Image

    memo = LayoutMemo()
    first = figure_png(line_figure([0.1, 0.5, 0.9]), layout=memo)
    assert (memo.computed, memo.reused) == (1, 0)
    # New data, the same labels: the layout is reused, and it is the one a fresh layout
    # would give (the same picture, pixel for pixel).
    again = line_figure([0.9, 0.5, 0.1])
    reused = figure_png(again, layout=memo)
    assert (memo.computed, memo.reused) == (1, 1)
    fresh = figure_png(line_figure([0.9, 0.5, 0.1]))
    assert Image.open(io.BytesIO(reused)).tobytes() == Image.open(io.BytesIO(fresh)).tobytes()
    assert reused != first
    # A longer label (or other tick labels) lays the figure out afresh.
    figure_png(line_figure([0.1, 0.5, 0.9], ylabel="wall-clock time (s)"), layout=memo)
    wider = line_figure([0.1, 0.5, 0.9])
    wider.axes[0].set_ylim(0, 1200)
    figure_png(wider, layout=memo)
    assert (memo.computed, memo.reused) == (3, 1)


def test_charts_are_opaque_rgb_pngs():
    from PIL import Image

    image = Image.open(io.BytesIO(figure_png(line_figure([1, 2, 3]))))
    assert image.mode == "RGB" and image.size == (8 * CSS_DPI, 4 * CSS_DPI)
    see_through = line_figure([1, 2, 3])
    see_through.patch.set_alpha(0)
    assert Image.open(io.BytesIO(figure_png(see_through))).mode == "RGBA"


def test_chunksize_status_and_dashed_line_read_the_same_loop(explorers):
    explorer = explorers["chunksize"]
    loop = explorer.serial.median
    assert len(explorer.loop_runs) == 1  # one round (repeats=1): the loop, then each size
    dashed = [line for line in explorer.chart().axes[0].get_lines()
              if line.get_label() == "plain loop"][0]
    assert list(dashed.get_ydata()) == [loop, loop]
    timing = explorer.points[explorer.last[0]][explorer.last[1]]
    assert f"<b>{speedup_text(loop / timing.median)}</b>" in explorer.status.value
    assert f"({loop:.4f} s, the dashed line" in explorer.status.value


def test_one_chunk_is_one_message():
    explorer = ChunksizeExplorer(cpu_task, [50] * 20, max_processes=1, repeats=1,
                                 chunksizes=[1, 20])
    explorer.run(chunksize=20)
    assert "(1 message)" in explorer.status.value
    assert messages_text(2) == "2 messages"
