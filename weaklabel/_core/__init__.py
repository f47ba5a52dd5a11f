"""The bottom layer: conventions every wing shares, each in one module.

- :mod:`~weaklabel._core.params`: parameter constraints and the one template of parameter errors;
- :mod:`~weaklabel._core.random`: where randomness starts (``random_state`` -> Generator);
- :mod:`~weaklabel._core.digest`: hashes and digests (cache keys, fingerprints, sample salts);
- :mod:`~weaklabel._core.columns`: the "column not found" error and column-name checks;
- :mod:`~weaklabel._core.optional`: optional dependencies, imported lazily, naming their extra;
- :mod:`~weaklabel._core.memory`: memory an operation needs, checked before it starts;
- :mod:`~weaklabel._core.formats`: the version rule of every file weaklabel reads back.

Nothing here imports from another weaklabel wing.
"""
