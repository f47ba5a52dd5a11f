"""The vote matrix and everything about votes: encoding, names, checks, storage, gold, Dask.

- :mod:`~weaklabel._votes.encoding`: abstain, the class range, the storage shift;
- :mod:`~weaklabel._votes.names`: default LF and class names, checks of names and classes;
- :mod:`~weaklabel._votes.matrix` / :mod:`~weaklabel._votes.views`: :class:`~weaklabel.VoteMatrix`;
- :mod:`~weaklabel._votes.construct`: building (and checking) its CSR storage;
- :mod:`~weaklabel._votes.io`: ``.npz`` files;
- :mod:`~weaklabel._votes.gold`: gold labels in every form users give them, as one array;
- :mod:`~weaklabel._votes.rows`: the user's data rows matched to the vote rows (by id);
- :mod:`~weaklabel._votes.distributed`: :class:`~weaklabel.DaskVoteMatrix`.
"""
