"""Files in and out: reading datasets, writing files atomically, writing labels.

Depends only on :mod:`weaklabel._core`; every wing that touches the disk goes through here.
"""
