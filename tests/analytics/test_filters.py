"""The closed-form one-pole filter must equal scipy's lfilter exactly, for any coefficient and length."""

import numpy as np
import scipy.signal
from hypothesis import given
from hypothesis import strategies as st

from icucoach.analytics.filters import first_order


@given(
    st.floats(0.01, 0.999),
    st.floats(-2, 2),
    st.floats(-50, 50),
    st.integers(0, 30_000),
    st.integers(0, 2**31),
)
def test_matches_lfilter(a: float, b: float, y0: float, n: int, seed: int) -> None:
    x = np.random.default_rng(seed).normal(0, 100, n)
    ref = scipy.signal.lfilter([b], [1, -a], x, zi=[a * y0])[0] if n else np.zeros(0)
    got = first_order(x, a, b, y0)
    assert np.allclose(got, ref, rtol=1e-9, atol=1e-6)


def test_edge_coefficients() -> None:
    x = np.array([1.0, 2.0, 3.0])
    assert first_order(x, 0.0, 2.0).tolist() == [2.0, 4.0, 6.0]
    assert first_order(x, 1.0, 1.0, 10.0).tolist() == [11.0, 13.0, 16.0]
