"""fastgrad.numpy.linalg (to be completed by the NumPy-namespace issue)."""
