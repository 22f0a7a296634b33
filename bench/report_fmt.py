# SPDX-License-Identifier: ISC
"""Number formatting shared by bench/report.py and bench/report_stress.py."""

import math


def fs(x, cap=None):
    """Seconds for a table: ms below 1 s."""
    if x is None:
        return "–"
    if math.isinf(x):
        return "> %g s" % cap if cap else "never"
    if abs(x) < 1:
        return "%.0f ms" % (1000 * x) if abs(x) >= 0.0095 else "%.1f ms" % (1000 * x)
    return "%.2f s" % x
