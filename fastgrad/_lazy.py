"""`fnp()`: the fastgrad.numpy namespace, for the layers below it (rules, seeds, vspace)
whose rules are written with its operators but which it imports in turn. Imported on
first use and then kept, so a rule pays no import machinery per call."""

_namespace = None


def fnp():
    global _namespace
    if _namespace is None:
        from . import numpy

        _namespace = numpy
    return _namespace
