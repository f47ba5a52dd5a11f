"""Exporting a run's labels as a training dataset: ``weaklabel export`` in Python.

:func:`export` reads the output folder of ``weaklabel run`` (``labels.jsonl``, ``run.json``, and
the data when a chat template needs its columns) and writes one dataset into a folder: the data
of each split as JSON Lines, chat conversations, CSV, Parquet or a Hugging Face ``datasets``
folder (each row with its LF votes on request: ``votes=True``), and a dataset card
(``README.md``) that says how the labels were made. Filters (minimum confidence, uncovered rows,
duplicate texts, per-class caps or the class balance, gold rows) each count the rows they remove;
splits are stratified, seeded and never put one text on two sides.

>>> from weaklabel.export import FORMATS, export
>>> FORMATS
('jsonl', 'chat', 'csv', 'parquet', 'hf')
"""

from weaklabel.export._api import GOLD_MODES, ExportResult, export
from weaklabel.export._writers import FORMATS

__all__ = ["FORMATS", "GOLD_MODES", "ExportResult", "export"]
