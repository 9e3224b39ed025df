"""Interactive explorers for the lessons: move a control and the figure, readouts and audio follow at once.

Display one as the last expression of a cell; set controls from code with ``ex.set(...)``; ``ex.summary()`` is a
deterministic one-line description for checked outputs. Presentation mode (projector) follows
``course_utils.setup(presentation=True)`` or each explorer's ``presentation=`` argument. See
:class:`course_utils.widgets.base.Explorer` for what they share, and :mod:`course_utils.widgets.raster` for how their
spectrogram images are painted.

=========================  =============================================
explorer                   lesson
=========================  =============================================
``AliasingExplorer``       notebooks/01_sampling_quantization.ipynb
``QuantizationExplorer``   notebooks/01_sampling_quantization.ipynb
``WindowExplorer``         notebooks/02_fourier_transform.ipynb
``SpectrogramExplorer``    notebooks/03_stft.ipynb, 04_mel_scale.ipynb
``MelFilterbankExplorer``  notebooks/04_mel_scale.ipynb
``DecibelExplorer``        notebooks/05_decibels.ipynb
``MFCCExplorer``           notebooks/06_mfcc.ipynb
``GriffinLimExplorer``     notebooks/07_inversion.ipynb
=========================  =============================================
"""

from .base import Explorer
from .decibels import DecibelExplorer
from .fourier import WindowExplorer
from .inversion import GriffinLimExplorer
from .mel import MelFilterbankExplorer
from .mfcc import MFCCExplorer
from .sampling import AliasingExplorer, QuantizationExplorer
from .spectrogram import SpectrogramExplorer

__all__ = [
    "AliasingExplorer",
    "DecibelExplorer",
    "Explorer",
    "GriffinLimExplorer",
    "MFCCExplorer",
    "MelFilterbankExplorer",
    "QuantizationExplorer",
    "SpectrogramExplorer",
    "WindowExplorer",
]
