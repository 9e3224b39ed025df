"""The exception types the course raises; every message names what was wrong and says what is allowed or what to do.

``ParameterError`` is for bad argument values. It subclasses ``ValueError``, so ``except ValueError`` catches it.
librosa has an exception of the same name, ``librosa.util.exceptions.ParameterError``, but that one is *not* a
``ValueError``: it derives from ``librosa.util.exceptions.LibrosaError``, which derives from ``Exception`` only. So
``except ValueError`` catches the course's errors and not librosa's, and ``except librosa.ParameterError`` catches
librosa's and not the course's. Wrong *types* raise plain ``TypeError``.

The other types say which kind of thing failed: a file (``AudioFileError``), the course's ``data/`` folder
(``DataNotFoundError``) or a recording (``RecordingError``, ``NoRecordingError``, raised by
:mod:`course_utils.recorder`).
"""


class ParameterError(ValueError):
    """A parameter has a value that is not allowed; the message names it and says what is."""


class AudioFileError(ValueError):
    """An audio file is missing, empty, truncated or not audio; the message names the file and the problem."""


class DataNotFoundError(FileNotFoundError):
    """The course's ``data/`` folder (the one holding ``MANIFEST.tsv``) could not be found."""


class RecordingError(ValueError):
    """A recording could not be decoded or stored; the message says what was wrong and what to do."""


class NoRecordingError(LookupError):
    """There is no take yet (or none with that label); the message says how to make one."""
