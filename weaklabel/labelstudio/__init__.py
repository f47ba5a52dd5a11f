"""Label Studio round trip: tasks, the labeling config and guidelines out; annotations come back.

weaklabel writes plain JSON and XML and never imports Label Studio::

    config = labeling_config(classes)                    # the project's labeling interface
    batch = tasks(data, votes, predictions=probs,        # the rows to label, best first,
                  selection=query(votes, model, 50))     # with the model's class and a score
    write_tasks("tasks.json", batch)                     # Label Studio's JSON import format
    guide = guidelines(data, votes, probs, descriptions=suite.class_descriptions)
    guide.markdown, guide.html                           # a file, and the project's instructions

Each task carries its row id in ``data["row_id"]``; Label Studio's JSON export keeps it, and
:meth:`weaklabel.annotations.Annotations.read` maps every annotation back to its row. See
docs/labelstudio.md for the whole loop.
"""

from __future__ import annotations

from weaklabel.labelstudio._config import labeling_config
from weaklabel.labelstudio._guidelines import Guidelines, guidelines
from weaklabel.labelstudio._tasks import tasks, write_tasks

__all__ = ["Guidelines", "guidelines", "labeling_config", "tasks", "write_tasks"]
