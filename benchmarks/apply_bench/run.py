"""One run of the LF-application benchmark: its settings, data files, votes and results."""

from __future__ import annotations

import argparse
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from harness.cpu import Contention
from harness.isolation import run_isolated
from harness.peers import run_peer_function

__all__ = ["DATA_VERSION", "SEEDS", "TARGETS", "Run"]

#: seeds of the three data sets (texts, 10M-row file, spaCy texts)
SEEDS = {"texts": 1, "big": 10, "spacy": 20}
#: bump when the text generator changes, so that stored files are drawn again
DATA_VERSION = 1
TARGETS = {"row": 5.0, "vectorized": 50.0, "spacy_cold": 3.0, "spacy_warm": 50.0, "big_gb": 4.0}


@dataclass
class Run:
    """The command line, the work folder (data files reused across runs, votes of this run)."""

    args: argparse.Namespace
    workdir: Path
    contention: Contention
    results: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.votes_dir = Path(tempfile.mkdtemp(prefix="votes-", dir=self.workdir))

    def close(self) -> None:
        shutil.rmtree(self.votes_dir, ignore_errors=True)

    def data_path(self, kind: str) -> Path:
        """The Parquet file of ``kind`` ("texts", "spacy" or "big") for this run's sizes."""
        rows = {"texts": self.args.rows, "spacy": self.args.spacy_rows, "big": self.args.big_rows}
        return self.workdir / f"{kind}-{rows[kind]}-s{SEEDS[kind]}-v{DATA_VERSION}.parquet"

    def text_path(self, key: str) -> Path:
        """The texts a measurement ``key`` labelled."""
        return self.data_path("spacy" if key.startswith(("spacy", "snorkel-spacy")) else "texts")

    def votes(self, key: str) -> str:
        """Where measurement ``key`` saves its votes."""
        return str(self.votes_dir / f"{key}.npy")

    def load_votes(self, key: str) -> np.ndarray | None:
        path = Path(self.votes(key))
        return np.load(path) if path.exists() else None

    def ours(
        self, key: str, target: str, config: dict[str, Any], repeat: int = 1
    ) -> dict[str, Any]:
        """weaklabel's worker ``target`` in a fresh process; the result stored under ``key``."""
        what = f"weaklabel {key}"
        self.results[key] = result = run_isolated(
            target, config, self.workdir, repeat=repeat, contention=self.contention, what=what
        )
        return result

    def snorkel(self, key: str, config: dict[str, Any], repeat: int = 1) -> dict[str, Any]:
        """A ``peers_apply.py`` task under the peers' Python; the result stored under ``key``."""
        what = f"Snorkel {config['task']}"
        self.results[key] = result = run_peer_function(
            "peers_apply:run_task",
            {**config, "out_votes": self.votes(key)},
            self.workdir,
            repeat=repeat,
            contention=self.contention,
            what=what,
        )
        return result
