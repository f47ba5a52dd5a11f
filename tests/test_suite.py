from __future__ import annotations

import pytest

from weaklabel import DataError, LabelingFunction, load_lfs


def test_loads_lfs_in_definition_order_and_classes(fixtures):
    suite = load_lfs(fixtures / "tiny_lfs.py")
    assert [lf.name for lf in suite.lfs] == ["link", "channel", "short", "song"]
    assert suite.classes == ("ham", "spam")
    assert all(isinstance(lf, LabelingFunction) for lf in suite.lfs)


def test_loads_a_module_by_name():
    suite = load_lfs("labeling_functions.spam")
    assert len(suite.lfs) >= 8


def test_explicit_lfs_list_wins(tmp_path):
    path = tmp_path / "chosen.py"
    path.write_text(
        "from weaklabel import labeling_function\n"
        "@labeling_function\ndef a(x): return 1\n"
        "@labeling_function\ndef b(x): return 0\n"
        "LFS = [b]\n"
    )
    assert [lf.name for lf in load_lfs(path).lfs] == ["b"]


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="no such LF file"):
        load_lfs(tmp_path / "missing.py")


def test_missing_module():
    with pytest.raises(DataError, match="No LF file or module 'not_a_module_xyz'"):
        load_lfs("not_a_module_xyz")


def test_import_error_names_file_and_line(fixtures):
    with pytest.raises(
        DataError,
        match=r"broken_import_lfs\.py, line 3: the LF file failed to import: ZeroDivisionError",
    ):
        load_lfs(fixtures / "broken_import_lfs.py")


def test_syntax_error_names_file_and_line(fixtures):
    with pytest.raises(DataError, match=r"syntax_error_lfs\.py, line 4: syntax error"):
        load_lfs(fixtures / "syntax_error_lfs.py")


def test_file_without_lfs(fixtures):
    with pytest.raises(DataError, match="defines no labeling functions"):
        load_lfs(fixtures / "no_lfs.py")


def test_duplicate_names_in_a_file(tmp_path):
    path = tmp_path / "dup.py"
    path.write_text(
        "from weaklabel import labeling_function\n"
        "@labeling_function(name='x')\ndef a(x): return 1\n"
        "@labeling_function(name='x')\ndef b(x): return 0\n"
    )
    with pytest.raises(DataError, match="'x' appear"):
        load_lfs(path)


def test_class_descriptions_are_read_and_checked(tmp_path):
    path = tmp_path / "described.py"
    path.write_text(
        "from weaklabel import labeling_function\n"
        "CLASSES = ('ham', 'spam')\n"
        "CLASS_DESCRIPTIONS = {'spam': 'Ads.'}\n"
        "@labeling_function\ndef a(x): return 1\n"
    )
    assert load_lfs(path).class_descriptions == {"spam": "Ads."}
    assert load_lfs("labeling_functions.spam").class_descriptions.keys() == {"ham", "spam"}
    path.write_text(path.read_text().replace("'spam': 'Ads.'", "'spma': 'Ads.'"))
    with pytest.raises(DataError, match=r"describes 'spma', which is not one of its CLASSES"):
        load_lfs(path)
    path.write_text(path.read_text().replace("{'spma': 'Ads.'}", "['Ads.']"))
    with pytest.raises(DataError, match="CLASS_DESCRIPTIONS must be a dict"):
        load_lfs(path)


def test_a_suite_without_descriptions_has_none(fixtures):
    assert load_lfs(fixtures / "tiny_lfs.py").class_descriptions is None
