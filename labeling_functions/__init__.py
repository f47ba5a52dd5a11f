"""Ready-made labeling-function suites.

- :mod:`labeling_functions.spam`: YouTube comment spam (the bundled demo data).
"""
