"""Published reliability data shared by the agreement tests."""

from __future__ import annotations

import numpy as np

NAN = np.nan

#: Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 coders x 12
#: units, NaN for a missing value. Nominal alpha 113/152, ordinal 0.8154,
#: interval 0.8491, ratio 0.7974.
K2011 = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
        [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
    ]
)
