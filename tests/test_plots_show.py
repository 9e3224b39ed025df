"""plots.show: the figure reaches the notebook as a PNG carrying its alternative text."""

import matplotlib.pyplot as plt
import pytest

from course_utils import plots
from course_utils.errors import ParameterError


@pytest.fixture
def shown(monkeypatch):
    calls = []
    monkeypatch.setattr("IPython.display.display", lambda *objects, **options: calls.append((objects, options)))
    return calls


def test_show_displays_the_png_with_alt_text_and_closes_the_figure(shown):
    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([0, 1], [0, 1])
    assert plots.show(fig, alt="A rising line from 0 to 1.") is None
    (bundle,), options = shown[0]
    assert bundle["image/png"].startswith(b"\x89PNG")
    assert options["metadata"] == {"image/png": {"alt": "A rising line from 0 to 1."}} and options["raw"]
    assert "A rising line from 0 to 1." in bundle["text/plain"]
    assert not plt.fignum_exists(fig.number)


def test_show_uses_the_current_figure_by_default(shown):
    fig = plt.figure()
    plots.show(alt="An empty figure.")
    assert not plt.fignum_exists(fig.number) and len(shown) == 1


@pytest.mark.parametrize("alt", ["", "   ", None, 3])
def test_show_refuses_a_figure_without_alt_text(alt, shown):
    fig = plt.figure()
    with pytest.raises(ParameterError, match="alt must be a non-empty sentence"):
        plots.show(fig, alt=alt)
    assert shown == [] and plt.fignum_exists(fig.number)
    plt.close(fig)
