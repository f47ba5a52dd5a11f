"""Labeling functions and what they are made of: examples, preprocessors, builders, spaCy, suites.

- :mod:`~weaklabel._lfs.example`: the example a row LF receives (``x.text``);
- :mod:`~weaklabel._lfs.lf` / :mod:`~weaklabel._lfs.preprocessor`: the decorators and classes;
- :mod:`~weaklabel._lfs.builders` / :mod:`~weaklabel._lfs.rules`: ``keyword_lf`` and friends;
- :mod:`~weaklabel._lfs.spacy_lfs` / :mod:`~weaklabel._lfs.spacy_parse` /
  :mod:`~weaklabel._lfs.doc_cache`: spaCy once per dataset, and LFs on its Docs;
- :mod:`~weaklabel._lfs.suite`: the LFs a Python file defines (``--lfs my_lfs.py``);
- :mod:`~weaklabel._lfs.model_lf`: an LF that votes a classifier's top class with its probability;
- :mod:`~weaklabel._lfs.prompted` (with :mod:`~weaklabel._lfs.template`,
  :mod:`~weaklabel._lfs.verbalizer`, :mod:`~weaklabel._lfs.prompt_settings`): ``prompt_lf``, an
  LF that asks a chat model, through :mod:`~weaklabel._lfs.chat`.
"""
