"""fastgrad.numpy.random (to be completed by the NumPy-namespace issue)."""
