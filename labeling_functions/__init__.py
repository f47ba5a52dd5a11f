"""Ready-made labeling-function suites.

- :mod:`labeling_functions.spam`: YouTube comment spam (the bundled demo data).
- :mod:`labeling_functions.sms`: SMS spam (the bundled SMS Spam Collection); vectorized builders
  and spaCy LFs on ``spacy.blank("en")``.
"""
