"""The exceptions weaklabel raises.

Every error is a :class:`WeaklabelError`; each kind also subclasses the builtin it refines, so
``except ValueError`` keeps working for code that does not know weaklabel::

    WeaklabelError
    ├── ParameterError (ValueError)         an argument or option has an invalid value
    ├── DataError (ValueError)              input data or a file is malformed, empty or incompatible
    ├── LabelingFunctionError (RuntimeError)
    │                                       a labeling function raised, returned an invalid vote,
    │                                       or read a field the data lacks
    ├── NotFittedError (ValueError, AttributeError)
    │                                       a model was used before ``fit``
    ├── WorkerError (RuntimeError)          a worker process died (killed, out of memory, crashed)
    └── MissingDependencyError (ImportError)
                                            an optional dependency is not installed; the message
                                            names the extra to install

Warnings (each a ``UserWarning``): :class:`ConvergenceWarning` when a model's fit stopped before
it converged; :class:`DependencyWarning` when a model leaves out dependency edges it cannot model
jointly; :class:`AnnotationWarning` when reading annotations kept only the latest of repeated
labels, or left out annotations that hold no label (each counted in the message).

Messages name the culprit (parameter, labeling function, row, column, file and line) and say how
to fix it.
"""

from __future__ import annotations

__all__ = [
    "AnnotationWarning",
    "ConvergenceWarning",
    "DependencyWarning",
    "DataError",
    "LabelingFunctionError",
    "MissingDependencyError",
    "NotFittedError",
    "ParameterError",
    "WeaklabelError",
    "WorkerError",
]


class WeaklabelError(Exception):
    """Root of every exception raised by weaklabel."""


class ParameterError(WeaklabelError, ValueError):
    """An argument or option has an invalid value."""


class DataError(WeaklabelError, ValueError):
    """Input data, votes or a file is malformed, empty or incompatible."""


class LabelingFunctionError(WeaklabelError, RuntimeError):
    """A labeling function failed on a row.

    Attributes
    ----------
    lf_name : str
        Name of the labeling function.
    row_id : object or None
        Identifier of the row it failed on, when there is one.
    """

    def __init__(self, message: str, *, lf_name: str = "", row_id: object = None) -> None:
        super().__init__(message)
        self.lf_name = lf_name
        self.row_id = row_id

    def __reduce__(self) -> tuple[object, ...]:
        # keep the LF and row when the error crosses from a worker process
        return (type(self), (str(self),), self.__dict__)


class NotFittedError(WeaklabelError, ValueError, AttributeError):
    """A model was used before it was fitted."""


class WorkerError(WeaklabelError, RuntimeError):
    """A worker process died while it held work (killed, out of memory, crashed in C code)."""


class MissingDependencyError(WeaklabelError, ImportError):
    """An optional dependency is missing; the message says which extra installs it."""


class ConvergenceWarning(UserWarning):
    """A model's fit stopped at its iteration limit before it converged."""


class AnnotationWarning(UserWarning):
    """Annotations were read by a documented rule that left some out (repeats, empty answers)."""


class DependencyWarning(UserWarning):
    """A model left out dependency edges: joining them would make a unit of too many LFs."""
