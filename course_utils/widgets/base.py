"""The explorer base: controls, one figure updated in place, readouts and audio, shown as one panel.

Every explorer in ``course_utils.widgets`` is an :class:`Explorer`. Lessons 01-07 use them; this module holds what
they share:

- **Fast, flicker-free rendering.** The matplotlib figure is made once. A change redraws only what moved: the
  axes, ticks and colour bars are drawn once into a cached background (and again only when they change), the
  moving lines are blitted on top, and spectrogram-like images are written straight into the pixels of their axes.
  The result is encoded as a JPEG (quality 90, no chroma subsampling: ten times faster to encode than a PNG
  and visually the same) and assigned to one ``ipywidgets.Image``, so the browser swaps one picture and nothing
  flickers.
- **Latest value wins.** A control change only marks the explorer dirty and wakes one shared background thread.
  The thread renders whatever the controls say *when it starts*; values that arrive while it renders are merged
  into the next render, so a fast drag never queues stale frames.
- **Never raises in the notebook.** Invalid combinations (``win_length > n_fft``, ``fmin >= fmax``) put a message
  in the panel and keep the last good figure.
- **Readable without a kernel.** Displaying an explorer emits the widget view *and* a PNG of the current figure;
  GitHub and nbviewer (no widget state) show the PNG, JupyterLab shows the live widget.
- **Presentation mode** (larger figure and fonts for a projector) follows :func:`course_utils.set_presentation`
  or the explorer's own ``presentation=`` argument and "presentation" checkbox.

Only core widgets that exist in ipywidgets 7.7.1 (Colab) and 8.x are used.
"""

from __future__ import annotations

import base64
import html
import io
import numbers
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import ParameterError
from ..session import PLOT_SIZES, PLOT_STYLE, PRESENTATION_SCALE, is_presentation
from .raster import paint_axes

BASE_DPI = 80
JPEG_QUALITY = 90
FLOAT_DIGITS = 6  # significant digits of floats in summary(); readouts that are measurements are rounded already

# The course's style at its normal sizes, independent of the notebook's rcParams (which presentation mode enlarges):
# here presentation mode scales the figure's dpi instead, which enlarges figure and fonts together.
EXPLORER_RC = {**PLOT_STYLE, **PLOT_SIZES, "figure.facecolor": "white", "savefig.facecolor": "white"}

# The panel's stylesheet ships as a file (package data); ipywidgets has no CSS trait, so it rides in the title HTML.
_PANEL_CSS = f"<style>{(Path(__file__).parent / 'static' / 'panel.css').read_text()}</style>"


def _format_value(value) -> str:
    """Deterministic text for summary(): whole floats without '.0', other floats to FLOAT_DIGITS digits."""
    if isinstance(value, (bool, np.bool_)) or value is None or isinstance(value, str):
        return str(value if not isinstance(value, np.bool_) else bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        value = float(value)
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.{FLOAT_DIGITS}g}"
    if isinstance(value, tuple):
        return "(" + ", ".join(_format_value(v) for v in value) + ")"
    if callable(value):  # e.g. ref=np.max: its name, not a repr with a memory address
        return getattr(value, "__name__", type(value).__name__)
    return str(value)


class _RenderWorker:
    """One daemon thread shared by every explorer: runs their render jobs, oldest request first, each once."""

    def __init__(self):
        self._condition = threading.Condition()
        self._queue: list = []
        self._thread: threading.Thread | None = None

    def submit(self, job) -> None:
        """Queue ``job`` (a callable without arguments) unless it is queued already."""
        with self._condition:
            if job not in self._queue:
                self._queue.append(job)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="course-utils-explorers", daemon=True)
                self._thread.start()
            self._condition.notify()

    def _run(self) -> None:
        while True:
            with self._condition:
                while not self._queue:
                    self._condition.wait()
                job = self._queue.pop(0)
            job()


_WORKER = _RenderWorker()


@dataclass(kw_only=True)
class Frame:
    """What an explorer computes for one setting of its controls (``Explorer._compute``), before drawing it.

    Explorers whose ``_draw`` needs more (the array an image shows, its colour limits, …) subclass it.

    Attributes
    ----------
    readouts : dict
        The derived numbers shown under the figure and printed by ``summary()``.
    data : dict
        The arrays behind the figure, published as ``Explorer.data``.
    audio : numpy.ndarray or None
        What the audio player should hold; None leaves the player as it is.
    audio_sr : int or None
        Sample rate of ``audio``, in Hz (required with ``audio``).
    warning : str
        A warning for the panel (the setting is valid, but something deserves a note), "" when none.
    """

    readouts: dict
    data: dict = field(default_factory=dict)
    audio: np.ndarray | None = None
    audio_sr: int | None = None
    warning: str = ""

    def __post_init__(self):
        if self.audio is not None and self.audio_sr is None:
            raise TypeError(f"{type(self).__name__} has audio but no audio_sr: say at which rate it plays")


class Explorer:
    """Base class of the interactive explorers: a panel of controls, one figure image, readouts and audio.

    Used by every lesson (notebooks/01_sampling_quantization.ipynb to 07_inversion.ipynb) through its subclasses;
    a subclass implements ``_build`` (make axes and artists), ``_compute`` (a :class:`Frame` from control values,
    raising ``ParameterError`` for invalid combinations), ``_draw`` (update artists in place) and optionally
    ``_readout_rows`` (labels and units for the readouts), ``_relevant`` (controls greyed out) and ``_shown``
    (controls hidden, and left out of ``summary()``, where they do not apply).

    Display an explorer (last expression of a cell, or ``display(ex)``) to show its panel. Move the controls with
    the mouse or keyboard, or from code with :meth:`set`.

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
        The control widgets by name, including the ``"presentation"`` checkbox.
    readouts : dict
        Current derived numbers (plain Python numbers, tuples and strings), e.g. ``{"delta_f_hz": 7.8125}``.
    message : str
        The warning or error shown in the panel, ``""`` when all is well.
    audio : numpy.ndarray or None
        The samples the audio player currently holds (at ``audio_sr``), or None for explorers without sound.
    figure : matplotlib.figure.Figure
        The figure behind the image (an Agg figure, not shown by pyplot).
    artists : dict of str to matplotlib.artist.Artist
        The figure's moving artists by name (lines, markers), e.g. to restyle them; the figure and its artists are
        made anew when presentation mode changes.
    data : dict
        The arrays behind the current figure, e.g. the spectrogram that is shown.
    image_bytes : bytes
        The current image (JPEG).
    panel : ipywidgets.VBox
        The whole panel widget.
    """

    figsize = (9.0, 3.4)
    has_audio = False

    def __init__(self, *, presentation=None):
        if presentation is not None and not isinstance(presentation, (bool, np.bool_)):
            raise TypeError(f"presentation must be True, False or None (follow the notebook), got {presentation!r}")
        self._presentation = is_presentation() if presentation is None else bool(presentation)
        self.controls = {}
        self._choices = {}  # name -> list of Python values; choice widgets hold an index into it
        self._choice_labels = {}  # name -> the labels shown for those values
        self._column_of = {}
        self._render_lock = threading.RLock()  # one render at a time: worker thread or set()
        self._state_lock = threading.Lock()  # guards _dirty and _idle
        self._dirty = False
        self._idle = threading.Event()
        self._idle.set()
        self.readouts = {}
        self.message = ""
        self.audio = None
        self.audio_sr = None
        self.data = {}
        self.image_bytes = b""
        self.render_count = 0
        self._good_values = None
        self.artists = {}

    # ----------------------------------------------------------------------------------------------- controls
    def _register(self, name, widget, column):
        widget.add_class(f"cu-control-{name}")
        self.controls[name] = widget
        self._column_of[name] = column
        return widget

    def _int_slider(self, name, value, *, minimum, maximum, step=1, description=None, column=0):
        """An IntSlider whose range is widened to include ``value`` (a constructor value outside the usual range)."""
        import ipywidgets as widgets

        widget = widgets.IntSlider(
            value=int(value), min=int(min(minimum, value)), max=int(max(maximum, value)), step=step,
            description=description or name, continuous_update=True, style={"description_width": "7em"},
            layout=widgets.Layout(width="24em"),
        )
        return self._register(name, widget, column)

    def _float_slider(self, name, value, *, minimum, maximum, step, description=None, readout_format=".2f", column=0):
        import ipywidgets as widgets

        widget = widgets.FloatSlider(
            value=float(value), min=float(min(minimum, value)), max=float(max(maximum, value)), step=step,
            description=description or name, continuous_update=True, readout_format=readout_format,
            style={"description_width": "7em"}, layout=widgets.Layout(width="24em"),
        )
        return self._register(name, widget, column)

    def _choice(self, name, value, options, *, kind="dropdown", labels=None, description=None, column=0):
        """A slider, dropdown or toggle over ``options`` (any Python values, None included): the widget holds the
        index, so values need not be strings or JSON. ``value`` is added to the options when missing."""
        import ipywidgets as widgets

        options = list(options)
        labels = list(labels) if labels is not None else [_format_value(o) for o in options]
        if not any(_same(value, o) for o in options):
            # Keep a numeric scale in order: insert before the first larger number (at the end otherwise).
            position = next((i for i, o in enumerate(options) if _is_number(value) and _is_number(o) and o > value),
                            len(options))
            options.insert(position, value)
            labels.insert(position, _format_value(value))
        index = next(i for i, o in enumerate(options) if _same(value, o))
        pairs = list(zip(labels, range(len(options))))
        common = {"options": pairs, "value": index, "description": description or name}
        if kind == "slider":
            widget = widgets.SelectionSlider(
                continuous_update=True, style={"description_width": "7em"}, layout=widgets.Layout(width="24em"),
                **common,
            )
        elif kind == "dropdown":
            widget = widgets.Dropdown(style={"description_width": "7em"}, layout=widgets.Layout(width="24em"), **common)
        else:
            widget = widgets.ToggleButtons(style={"description_width": "7em", "button_width": "6.5em"}, **common)
        self._choices[name] = options
        self._choice_labels[name] = labels
        return self._register(name, widget, column)

    def _checkbox(self, name, value, *, description=None, column=0):
        import ipywidgets as widgets

        widget = widgets.Checkbox(value=bool(value), description=description or name, indent=False,
                                  layout=widgets.Layout(width="auto"))
        return self._register(name, widget, column)

    def _value_of(self, name):
        widget = self.controls[name]
        if name in self._choices:
            return self._choices[name][widget.value]
        return widget.value

    def _label_of(self, name):
        widget = self.controls[name]
        # Our own labels: ipywidgets leaves `label` empty when the initial index is 0.
        return self._choice_labels[name][widget.value] if name in self._choices else _format_value(widget.value)

    def values(self) -> dict:
        """The current control values by name (the presentation checkbox excluded)."""
        return {name: self._value_of(name) for name in self.controls if name != "presentation"}

    # ------------------------------------------------------------------------------------------------ building
    def _start(self) -> None:
        """Build the panel and figure and render the initial values; called at the end of a subclass __init__.

        Raises ParameterError when the initial values are invalid, so a bad constructor call fails loudly.
        """
        import ipywidgets as widgets

        self._checkbox("presentation", self._presentation, description="presentation mode", column=1)
        self._image = widgets.Image(format="jpeg")
        self._image.add_class("cu-image")
        self._message_html = widgets.HTML(value="")
        self._message_html.add_class("cu-message")
        self._readouts_html = widgets.HTML(value="")
        self._readouts_html.add_class("cu-readouts")
        columns = [
            widgets.VBox([w for n, w in self.controls.items() if self._column_of[n] == c])
            for c in sorted(set(self._column_of.values()))
        ]
        bottom = [self._readouts_html]
        if self.has_audio:
            self._audio_widget = widgets.Audio(format="wav", autoplay=False, loop=False, controls=True)
            self._audio_widget.add_class("cu-audio")
            bottom.append(self._audio_widget)
        title = widgets.HTML(value=f"{_PANEL_CSS}<b>{html.escape(type(self).__name__)}</b>")
        title.add_class("cu-title")
        self.panel = widgets.VBox(
            [title, widgets.HBox(columns), self._message_html, self._image,
             widgets.HBox(bottom, layout=widgets.Layout(align_items="center"))]
        )
        self.panel.add_class("cu-explorer")
        self.panel.add_class(f"cu-explorer-{type(self).__name__}")
        if self._presentation:
            self.panel.add_class("cu-presentation")
        self._new_figure()
        with self._render_lock:
            self._render(self.values())
        for name, widget in self.controls.items():
            callback = self._on_presentation if name == "presentation" else self._on_control
            widget.observe(callback, names="value")

    def _new_figure(self) -> None:
        import matplotlib as mpl
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        dpi = BASE_DPI * (PRESENTATION_SCALE if self._presentation else 1.0)
        self._animated = []
        self._painters = {}
        self.artists = {}
        with mpl.rc_context(EXPLORER_RC):
            figure = Figure(figsize=self.figsize, dpi=dpi, layout="constrained")
            FigureCanvasAgg(figure)
            self._build(figure)
        for ax in figure.axes:
            # Ticks are made lazily at draw time, outside this rc_context; fix their style on the axes instead.
            ax.tick_params(labelsize=EXPLORER_RC["xtick.labelsize"], grid_alpha=EXPLORER_RC["grid.alpha"])
        self.figure = figure
        self._background = None
        self._static_key = None
        # Shown at its own pixel size (JupyterLab would stretch it to the cell width and blur it), narrower if need be.
        width = figure.canvas.get_width_height()[0]
        self._image.layout.width = f"{width}px"
        self._image.layout.max_width = "100%"
        self._image.layout.height = "auto"

    def _animate(self, artist):
        """Mark an artist as moving: it is left out of the cached background and redrawn on every render."""
        artist.set_animated(True)
        self._animated.append(artist)
        return artist

    def _paint(self, ax, painter) -> None:
        """Fill ``ax``'s data area with ``painter(x_edges, y_edges)``, an RGBA uint8 array (bottom row first).

        The edges are the data coordinates of the pixel boundaries, so any axis scale (linear, log, mel) works (see
        :func:`course_utils.widgets.raster.paint_axes`). The painting covers the axes' frame, so it is redrawn on top.
        """
        if ax not in self._painters:
            for spine in ax.spines.values():
                self._animate(spine)
        self._painters[ax] = painter

    # ------------------------------------------------------------------------------------------------ rendering
    def _render(self, values) -> None:
        """Compute, draw and publish one frame; raises ParameterError (nothing published) for invalid values."""
        frame = self._compute(values)
        static_key = self._draw(frame, values)
        limits = tuple((ax.get_xlim(), ax.get_ylim(), ax.get_xscale(), ax.get_yscale()) for ax in self.figure.axes)
        self.image_bytes = self._rasterize((static_key, limits))
        self._image.value = self.image_bytes
        for name, relevant in self._relevant(values).items():
            self.controls[name].disabled = not relevant
        for name, shown in self._shown(values).items():
            self.controls[name].layout.display = None if shown else "none"
        self._good_values = dict(values)
        self.data = frame.data
        self.readouts = frame.readouts
        self._readouts_html.value = self._readouts_table(self._readout_rows(self.readouts, values))
        self._show_message(frame.warning, level="warning")
        audio = frame.audio
        if self.has_audio and audio is not None and audio is not self.audio:
            from ..audio import wav_bytes

            peak = float(np.max(np.abs(audio))) if audio.size else 0.0
            self._audio_widget.value = wav_bytes(audio, sr=frame.audio_sr, normalize=peak > 1.0)
            self.audio, self.audio_sr = audio, frame.audio_sr
        self.render_count += 1

    def _rasterize(self, static_key) -> bytes:
        from PIL import Image as PILImage

        canvas = self.figure.canvas
        if self._background is None or static_key != self._static_key:
            canvas.draw()  # animated artists are skipped, leaving the background
            if self._background is None:
                # Constrained layout placed everything on this first draw; running it on every later full draw
                # would cost more than the draw itself and make the axes jump as tick labels change width.
                self.figure.set_layout_engine("none")
            self._background = canvas.copy_from_bbox(self.figure.bbox)
            self._static_key = static_key
        else:
            canvas.restore_region(self._background)
        pixels = np.asarray(canvas.buffer_rgba())
        for ax, painter in self._painters.items():
            paint_axes(pixels, ax, painter)
        for artist in self._animated:
            if artist.get_visible():
                self.figure.draw_artist(artist)
        height, width = pixels.shape[:2]
        image = PILImage.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buffer = io.BytesIO()
        # subsampling=0 keeps full colour resolution, so thin coloured lines and text stay crisp.
        image.convert("RGB").save(buffer, format="jpeg", quality=JPEG_QUALITY, subsampling=0)
        return buffer.getvalue()

    def _on_control(self, change) -> None:
        with self._state_lock:
            self._dirty = True
            self._idle.clear()
        _WORKER.submit(self._render_if_dirty)

    def _render_if_dirty(self) -> None:
        """Worker thread: render the controls' values as they are now, if no newer render made this unnecessary."""
        with self._render_lock:
            with self._state_lock:
                if not self._dirty:
                    self._idle.set()
                    return
                self._dirty = False
            try:
                self._render(self.values())
            except ParameterError as error:
                self._show_message(str(error), level="error")
            except Exception as error:  # a bug must not kill the shared thread or vanish silently
                self._show_message(f"could not draw this setting ({type(error).__name__}: {error})", level="error")
            with self._state_lock:
                if not self._dirty:
                    self._idle.set()

    def _on_presentation(self, change) -> None:
        self._presentation = bool(change["new"])
        if self._presentation:
            self.panel.add_class("cu-presentation")
        else:
            self.panel.remove_class("cu-presentation")
        with self._render_lock:
            message = self.message
            self._new_figure()
            self._render(self._good_values)
            if message and message != self.message:  # the controls still hold an invalid combination: say so
                self._show_message(message, level="error")

    def _show_message(self, text: str, *, level: str) -> None:
        self.message = text
        if not text:
            self._message_html.value = ""
            return
        colours = {"error": ("#fdecea", "#b3261e"), "warning": ("#fff4e5", "#8a5300")}[level]
        suffix = " The figure and the readouts still show the last valid setting." if level == "error" else ""
        self._message_html.value = (
            f'<div style="background:{colours[0]};color:{colours[1]};padding:4px 8px;border-radius:4px">'
            f"⚠ {html.escape(text)}{suffix}</div>"
        )

    @staticmethod
    def _readouts_table(rows) -> str:
        cells = "".join(f"<tr><td>{html.escape(label)}</td><td><b>{text}</b></td></tr>" for label, text in rows)
        return f"<table>{cells}</table>"

    def _readout_rows(self, readouts: dict, values: dict) -> list[tuple[str, str]]:
        """(label, HTML text) rows for the readout table of ``readouts`` computed from the control ``values``;
        subclasses give friendlier labels and units."""
        return [(key, html.escape(_format_value(value))) for key, value in readouts.items()]

    # ------------------------------------------------------------------------------------------------ public API
    def set(self, **values) -> None:
        """Set controls from code and render synchronously, e.g. ``ex.set(n_fft=1024, hop_length=256)``.

        Values a control cannot take (out of range, wrong type, not an option) and invalid combinations show a
        message in the panel and change nothing; an unknown control name raises ``ParameterError``.
        """
        unknown = sorted(set(values) - set(self.controls))
        if unknown:
            raise ParameterError(
                f"{type(self).__name__} has no control {', '.join(unknown)}; controls: {', '.join(self.controls)}"
            )
        with self._render_lock:
            try:
                converted = {name: self._to_widget_value(name, value) for name, value in values.items()}
            except ParameterError as error:
                self._show_message(str(error), level="error")
                return
            presentation = converted.pop("presentation", None)
            if presentation is not None and presentation != self.controls["presentation"].value:
                self.controls["presentation"].value = presentation  # rebuilds and renders via its observer
            if not converted:
                return
            for name in self.controls:  # in panel order, so linked controls (n_fft, then win_length) settle right
                if name in converted:
                    self.controls[name].value = converted[name]  # observers only mark the explorer dirty
            with self._state_lock:
                self._dirty = False  # the render below covers what the observers just queued
            try:
                self._render(self.values())
            except ParameterError as error:
                self._show_message(str(error), level="error")
            with self._state_lock:
                if not self._dirty:
                    self._idle.set()

    def _to_widget_value(self, name, value):
        """The widget value for ``value``, or ParameterError saying what the control accepts."""
        widget = self.controls[name]
        if name in self._choices:
            options = self._choices[name]
            for index, option in enumerate(options):
                if _same(value, option):
                    return index
            allowed = ", ".join(_format_value(o) for o in options)
            raise ParameterError(f"{name} must be one of {allowed}; got {value!r}")
        import ipywidgets as widgets

        checkbox = isinstance(widget, widgets.Checkbox)
        if isinstance(value, (bool, np.bool_)) != checkbox:
            raise ParameterError(f"{name} must be {'True or False' if checkbox else 'a number'}; got {value!r}")
        if checkbox:
            return bool(value)
        integral = isinstance(widget, widgets.IntSlider)
        if not isinstance(value, numbers.Real) or (integral and not float(value).is_integer()):
            raise ParameterError(f"{name} must be {'a whole number' if integral else 'a number'}; got {value!r}")
        if not widget.min <= value <= widget.max:
            raise ParameterError(f"{name} must be between {widget.min:g} and {widget.max:g}; got {value:g}")
        return int(value) if integral else float(value)

    def wait(self, timeout: float = 10.0) -> bool:
        """Block until renders triggered by control changes are done; True if idle within ``timeout`` seconds."""
        return self._idle.wait(timeout)

    def _settings_shown(self) -> list[str]:
        """The controls a student sees now (presentation excluded), in panel order: what summaries report."""
        hidden = {name for name, shown in self._shown(self.values()).items() if not shown}
        return [name for name in self.controls if name != "presentation" and name not in hidden]

    def summary(self) -> str:
        """One deterministic line: class, control values and readouts (for ``print`` in an nbval-checked cell)."""
        settings = " ".join(f"{name}={self._label_of(name)}" for name in self._settings_shown())
        numbers_ = " ".join(f"{key}={_format_value(value)}" for key, value in self.readouts.items())
        text = f"{type(self).__name__}: {settings} | {numbers_}"
        return f"{text} | message: {self.message}" if self.message else text

    def __repr__(self) -> str:
        settings = ", ".join(f"{name}={self._label_of(name)}" for name in self._settings_shown())
        return f"{type(self).__name__}({settings})"

    def alt_text(self) -> str:
        """One sentence for screen readers describing the static picture: the settings and the readouts it shows."""
        settings = ", ".join(f"{name} = {self._label_of(name)}" for name in self._settings_shown())
        readouts = ", ".join(f"{key} = {_format_value(value)}" for key, value in self.readouts.items())
        return f"Still picture of the {type(self).__name__} at {settings}; its readouts: {readouts}."

    def _repr_mimebundle_(self, include=None, exclude=None):
        """The live widget for Jupyter, plus a PNG of the current figure (with its alt text) for viewers without a kernel.

        JupyterLab, Notebook, Colab and VS Code render the widget view; GitHub and nbviewer drop a widget view
        whose state was not saved and fall back to the PNG; an untrusted notebook in JupyterLab shows the PNG.
        """
        data = {
            "text/plain": repr(self),
            "image/png": base64.b64encode(self._static_png()).decode("ascii"),
            "application/vnd.jupyter.widget-view+json": {
                "version_major": 2,
                "version_minor": 0,
                "model_id": self.panel.model_id,
            },
        }
        return data, {"image/png": {"alt": self.alt_text()}}

    def _static_png(self) -> bytes:
        """The current figure as a small PNG for saved notebooks: 256 colours, compressed hard (done once per display)."""
        from PIL import Image as PILImage

        with self._render_lock:
            width, height = self.figure.canvas.get_width_height()
            image = PILImage.frombuffer("RGBA", (width, height), self.figure.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
            image = image.convert("RGB").quantize(colors=256, method=PILImage.Quantize.MEDIANCUT)
        buffer = io.BytesIO()
        image.save(buffer, format="png", optimize=True)
        return buffer.getvalue()

    # ------------------------------------------------------------------------------------------------ subclass API
    def _build(self, figure) -> None:
        raise NotImplementedError

    def _compute(self, values: dict) -> Frame:
        """The :class:`Frame` for these control values; raise ParameterError for an invalid combination."""
        raise NotImplementedError

    def _draw(self, frame: Frame, values: dict):
        """Update artists in place; return a key of everything drawn in the *background* (non-animated artists,
        compared with ``==``): when it changes, the background is drawn again, otherwise the cached one is reused."""
        raise NotImplementedError

    def _relevant(self, values: dict) -> dict:
        """{control name: False} for controls that have no effect with these values; they are greyed out."""
        return {}

    def _shown(self, values: dict) -> dict:
        """{control name: False} for controls that do not apply to the view these values select; they are hidden."""
        return {}


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _same(a, b) -> bool:
    """Option equality that never compares arrays or mixes True with 1."""
    if a is b:
        return True
    if isinstance(a, (bool, np.bool_)) or isinstance(b, (bool, np.bool_)):
        return False
    if isinstance(a, numbers.Real) and isinstance(b, numbers.Real):
        return float(a) == float(b)
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    return False
