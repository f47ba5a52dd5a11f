"""The parts of the label-model accuracy benchmark (``benchmarks/label_models.py``).

* ``benches``: the datasets it scores on (real and synthetic) and a model's results on one;
* ``tables`` and ``summary``: what it prints;
* ``peer_methods``: the peers' side, run by ``benchmarks/peers_runner.py`` under the peers'
  Python (it never imports weaklabel).

This package imports nothing, so that the peers' Python can import ``peer_methods`` alone.
"""

__all__: list[str] = []
