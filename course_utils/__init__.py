"""Helpers for the *Audio Features for ML* notebook course.

Layers go one way: a module imports only from the layers listed before its own.

1. ``errors``, then ``validate`` (the argument checks).
2. The topics, each on layer 1 alone: ``audio`` (resampling, WAV, players), ``synth``, ``dsp``, ``tinyml``,
   ``plots``; and ``data`` (the course's clips and folders), which also uses ``audio`` to resample.
3. What needs the data: ``session`` (notebook set-up), ``envcheck`` and ``recorder``.
4. The interactive parts: ``widgets`` (on ``dsp``, ``synth``, ``audio`` and ``session``) and ``checks`` (on ``dsp``
   and ``data``).

``dsp`` and ``tinyml`` are independent of each other (``tinyml`` reproduces TFLM's integer front end, not
librosa), and ``plots`` is used by the notebooks only. The one import back up is ``__version__``, which
``session`` and ``envcheck`` read from this package inside a function. ``colab`` and ``warmup`` are tools that
import none of these. Importing the package is cheap: librosa and matplotlib load only when a module that needs
them is used.
"""

from .errors import ParameterError
from .session import is_presentation, set_presentation, setup

__version__ = "0.1.0"

__all__ = ["ParameterError", "__version__", "is_presentation", "set_presentation", "setup"]
