"""The checks a label model makes of the votes it is given: type, classes, LFs, Dask support."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from weaklabel._votes.distributed import DaskVoteMatrix
from weaklabel._votes.matrix import VoteMatrix
from weaklabel._votes.names import is_default_lf_names
from weaklabel.exceptions import DataError, ParameterError

if TYPE_CHECKING:
    from weaklabel.models._base import BaseLabelModel

__all__ = ["VoteChecks"]


class VoteChecks:
    """Checks of the votes, mixed into :class:`~weaklabel.models.BaseLabelModel`."""

    cardinality: int
    lf_names_: tuple[str, ...]
    registry: ClassVar[dict[str, type[BaseLabelModel]]]

    def _check_fitted(self) -> None:
        raise NotImplementedError

    @classmethod
    def _fits_dask(cls) -> bool:
        raise NotImplementedError

    def _check_votes(self, votes: Any) -> VoteMatrix:
        """``votes`` as a VoteMatrix read with this model's number of classes."""
        k = self.cardinality
        if not isinstance(votes, VoteMatrix):
            if hasattr(votes, "ndim") or isinstance(votes, list | tuple):
                votes = VoteMatrix.from_dense(votes, cardinality=k)
            else:
                raise DataError(
                    f"{type(self).__name__} expects a VoteMatrix (from apply_lfs) or a dense array "
                    f"with -1 for abstain; got {type(votes).__name__}."
                )
        self._check_labels(votes)
        return votes.with_cardinality(k)

    def _check_labels(self, votes: VoteMatrix | DaskVoteMatrix) -> None:
        k = self.cardinality
        if votes.max_label() >= k:
            top = votes.max_label()
            lf = votes.lf_names[int(np.argmax(votes.polarity()[:, top]))]
            raise DataError(
                f"The votes hold class index {top} (from LF {lf!r}), but "
                f"{type(self).__name__} has cardinality={k}, so classes run 0..{k - 1}. Create "
                f"the model with cardinality={votes.cardinality} or more, or fix the LF."
            )

    def _check_dask_fit(self, votes: DaskVoteMatrix, gold: Any) -> None:
        name = type(self).__name__
        if not self._fits_dask():
            able = sorted(c.__name__ for c in self.registry.values() if c._fits_dask())
            raise ParameterError(
                f"{name} cannot fit Dask votes (a DaskVoteMatrix); {', '.join(able)} can. "
                f"Fit {name} on votes that fit in memory (votes.to_local()) instead: every "
                "fitted model predicts on Dask votes."
            )
        if gold is not None:
            raise ParameterError(
                f"The 'gold' parameter of {name}.fit is not supported with Dask votes (a "
                "DaskVoteMatrix). Leave it out, or fit on votes that fit in memory "
                "(votes.to_local()) with the gold labels."
            )
        self._check_labels(votes)

    def _check_dask_predict(self, votes: DaskVoteMatrix) -> None:
        self._check_fitted()
        self._check_labels(votes)
        self._check_lf_alignment(votes)

    def _check_fitted_votes(self, votes: Any) -> VoteMatrix:
        self._check_fitted()
        votes = self._check_votes(votes)
        self._check_lf_alignment(votes)
        return votes

    def _check_lf_alignment(self, votes: VoteMatrix | DaskVoteMatrix) -> None:
        if votes.n_lfs != len(self.lf_names_):
            raise DataError(
                f"The votes have {votes.n_lfs} LFs, but {type(self).__name__} was fitted on "
                f"{len(self.lf_names_)}; predict with votes from the same LFs, in the same order."
            )
        if votes.lf_names != self.lf_names_ and not is_default_lf_names(votes.lf_names):
            missing = [n for n in self.lf_names_ if n not in votes.lf_names]
            extra = [n for n in votes.lf_names if n not in self.lf_names_]
            detail = (
                f"missing {missing}, unexpected {extra}" if missing or extra else "different order"
            )
            raise DataError(
                f"The votes' LFs differ from those {type(self).__name__} was fitted on "
                f"({detail}); use votes.select_lfs(model.lf_names_) to align them."
            )
