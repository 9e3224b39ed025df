"""Capturing warnings for the explorers, which show them in their panel.

Used by the explorers of notebooks/03_stft.ipynb to 07_inversion.ipynb.
"""

from __future__ import annotations

import threading
import warnings

# warnings.catch_warnings swaps module-wide state; two explorers capturing at once must not interleave.
_WARNINGS_LOCK = threading.Lock()


def quiet_call(function, *args, **kwargs):
    """Call ``function`` and return ``(result, text)``, where ``text`` is its first warning ("" when none).

    Explorers show the warning in their panel instead of printing it into whichever cell happens to be running.
    """
    with _WARNINGS_LOCK, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = function(*args, **kwargs)
    return result, (str(caught[0].message) if caught else "")
