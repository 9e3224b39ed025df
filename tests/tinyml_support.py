"""Shared by the tests/test_tinyml_*.py modules."""

import numpy as np


def stream_in_chunks(stream, y, chunk_sizes):
    """Push ``y`` into ``stream`` in chunks of ``chunk_sizes`` (repeated as needed); return every frame it gave."""
    rows, position, i = [], 0, 0
    while position < y.size:
        size = chunk_sizes[i % len(chunk_sizes)]
        rows.append(stream.push(y[position : position + size]))
        position, i = position + size, i + 1
    return np.concatenate(rows)
