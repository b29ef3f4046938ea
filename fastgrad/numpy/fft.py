"""fastgrad.numpy.fft (to be completed by the NumPy-namespace issue)."""
