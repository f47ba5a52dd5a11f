"""The Label Studio labeling config: a ``<Text>`` to read and one ``<Choices>`` of the classes.

Class names are user data: the XML is built with :mod:`xml.etree.ElementTree`, which escapes
``&``, ``<``, ``>`` and quotes in attribute values, and names that XML cannot hold at all
(control characters) are refused.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from weaklabel._core.params import parameter_error
from weaklabel._votes.names import resolve_classes

__all__ = ["ROW_ID", "check_name", "labeling_config"]

#: The key of a task's data that holds the row id.
ROW_ID = "row_id"

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# characters XML 1.0 cannot hold, even escaped
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def check_name(parameter: str, value: object, *, owner: str) -> str:
    """``value`` if it can name a config tag or variable (letters, digits, ``_``)."""
    if not isinstance(value, str) or not _NAME.match(value):
        raise parameter_error(
            parameter,
            owner,
            "a name of letters, digits and underscores that does not start with a digit",
            value,
        )
    if parameter == "variable" and value == ROW_ID:
        raise parameter_error(
            parameter, owner, f"a name other than {ROW_ID!r} (weaklabel's row id key)", value
        )
    return value


def labeling_config(
    classes: Sequence[str],
    *,
    variable: str = "text",
    control: str = "label",
) -> str:
    """The labeling config XML for single-choice text classification into ``classes``.

    Parameters
    ----------
    classes : sequence of str
        The class names, in class-index order (an LF file's ``CLASSES``, ``votes.class_names``);
        the choices annotators pick from, and the labels the export holds.
    variable : str
        The task data key holding the text (``value="$text"``; the ``variable`` of
        :func:`tasks`).
    control : str
        The name of the ``<Choices>`` tag (the ``from_name`` of predictions and annotations).

    Returns
    -------
    str
        The config, to paste into the project's Labeling Interface (Code) or to send as the
        project's ``label_config``.

    Examples
    --------
    >>> from weaklabel.labelstudio import labeling_config
    >>> print(labeling_config(["ham", "spam & <eggs>"]))
    <View>
      <Text name="text" value="$text" />
      <Choices name="label" toName="text" choice="single" showInLine="true">
        <Choice value="ham" />
        <Choice value="spam &amp; &lt;eggs&gt;" />
      </Choices>
    </View>
    """
    owner = "labeling_config"
    check_name("variable", variable, owner=owner)
    check_name("control", control, owner=owner)
    if control == variable:
        raise parameter_error(
            "control", owner, f"a name other than the variable ({variable!r})", control
        )
    _, names = resolve_classes(None, classes, owner=owner)
    assert names is not None
    for name in names:
        if _NOT_XML.search(name):
            raise parameter_error(
                "classes",
                owner,
                "names without control characters (XML cannot hold them)",
                name,
                "Rename the class.",
            )
    view = ET.Element("View")
    ET.SubElement(view, "Text", {"name": variable, "value": f"${variable}"})
    choices = ET.SubElement(
        view,
        "Choices",
        {"name": control, "toName": variable, "choice": "single", "showInLine": "true"},
    )
    for name in names:
        ET.SubElement(choices, "Choice", {"value": name})
    ET.indent(view, space="  ")
    return ET.tostring(view, encoding="unicode")
