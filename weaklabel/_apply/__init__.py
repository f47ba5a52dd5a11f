"""Applying labeling functions: chunks, worker processes, checkpoints and Dask, into votes.

- :mod:`~weaklabel._apply.api`: :func:`~weaklabel.apply_lfs`;
- :mod:`~weaklabel._apply.frames`: the data as a DataFrame, and its row ids;
- :mod:`~weaklabel._apply.chunks`: the LFs on one chunk of rows, and the chunks assembled;
- :mod:`~weaklabel._apply.parallel`: chunks in this process or in forked workers;
- :mod:`~weaklabel._apply.workers`: the forked workers, and how they stop (Ctrl-C, a dead parent);
- :mod:`~weaklabel._apply.checkpoint`: finished chunks on disk, so a killed run resumes;
- :mod:`~weaklabel._apply.fingerprint`: what decides an LF's votes, the key of a checkpoint, made
  of :mod:`~weaklabel._apply.tokens` (values), :mod:`~weaklabel._apply.reach` (the globals a
  function's code loads) and :mod:`~weaklabel._apply.origin` (library code or the user's);
- :mod:`~weaklabel._apply.dask`: the same on the partitions of a Dask DataFrame.
"""
