"""spaCy once per dataset: the preprocessor, its Doc cache and the spaCy LF builders.

Every pipeline here is ``spacy.blank("en")`` plus rule components; nothing is downloaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest
import spacy
from spacy.tokens import DocBin

from weaklabel import (
    ABSTAIN,
    LabelingFunctionError,
    MissingDependencyError,
    ParameterError,
    apply_lfs,
    entity_lf,
    keyword_lf,
    labeling_function,
    pattern_lf,
    phrase_lf,
    spacy_preprocessor,
)
from weaklabel._lfs.doc_cache import DocCache, _doc_bin, _Index, pipeline_identity
from weaklabel.exceptions import DataError

HAM, SPAM = 0, 1
TEXTS = [
    "WINNER! Claim your $500 prize: call 09061701461 now",
    "Are you coming to dinner tonight? See you at 7",
    "Text WIN to 80086 for a free entry",
    "ok lol, on my way",
    "Your account has £200 waiting, txt CLAIM to 87121",
    "sorry I missed your call, love you",
]
EXPECTED = {
    "money": [SPAM, ABSTAIN, ABSTAIN, ABSTAIN, SPAM, ABSTAIN],
    "text_to_number": [ABSTAIN, ABSTAIN, SPAM, ABSTAIN, SPAM, ABSTAIN],
    "chat": [ABSTAIN, HAM, ABSTAIN, HAM, ABSTAIN, HAM],
}
MONEY = [{"label": "MONEY", "pattern": [{"ORTH": {"IN": ["$", "£"]}}, {"LIKE_NUM": True}]}]
TEXT_TO_NUMBER = [[{"LOWER": {"IN": ["text", "txt"]}}, {"IS_UPPER": True}, {"LOWER": "to"},
                   {"IS_DIGIT": True}]]  # fmt: skip
CHAT = ["see you", "on my way", "lol", "love you"]


def make_nlp(patterns=MONEY, version=None):
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(patterns)
    if version is not None:
        nlp.meta["version"] = version
    return nlp


def make_lfs(nlp):
    return [
        entity_lf("money", "MONEY", SPAM, nlp=nlp),
        pattern_lf("text_to_number", TEXT_TO_NUMBER, SPAM, nlp=nlp),
        phrase_lf("chat", CHAT, HAM, nlp=nlp),
    ]


def count_parses(monkeypatch, nlp):
    """Replace ``nlp.pipe`` by a wrapper that records the texts it parses."""
    parsed: list[str] = []
    pipe = nlp.pipe

    def counting(texts, **kwargs):
        texts = list(texts)
        parsed.extend(texts)
        return pipe(texts, **kwargs)

    monkeypatch.setattr(nlp, "pipe", counting)
    return parsed


def dense(votes):
    return votes.to_dense().tolist()


# -- the builders vote as documented ------------------------------------------------------------


def test_builders_vote_as_documented():
    lfs = make_lfs(make_nlp())
    votes = apply_lfs(lfs, pd.DataFrame({"text": TEXTS}), cardinality=2, progress=False)
    assert votes.to_dense().T.tolist() == [EXPECTED[lf.name] for lf in lfs]
    for lf in lfs:
        assert lf.vectorized and lf.description
        assert [lf({"text": t}) for t in TEXTS] == EXPECTED[lf.name]


def test_phrase_lf_respects_attr_and_token_boundaries():
    nlp = spacy.blank("en")
    lower = phrase_lf("lower", ["free"], SPAM, nlp=nlp)
    exact = phrase_lf("exact", ["FREE"], SPAM, nlp=nlp, attr="ORTH")
    assert lower({"text": "it is FREE"}) == SPAM and exact({"text": "it is FREE"}) == SPAM
    assert exact({"text": "it is free"}) == ABSTAIN
    assert lower({"text": "freedom"}) == ABSTAIN


def test_one_parse_per_text_for_several_lfs(monkeypatch):
    nlp = make_nlp()
    parsed = count_parses(monkeypatch, nlp)
    lfs = [*make_lfs(nlp), keyword_lf("free", ["free"], SPAM)]
    assert len({lf.func.parse for lf in lfs[:3]}) == 1
    data = pd.DataFrame({"text": TEXTS * 3})  # repeated texts are parsed once too
    apply_lfs(lfs, data, cardinality=2, progress=False, chunk_size=100)
    assert sorted(parsed) == sorted(TEXTS)


def test_same_settings_give_the_same_preprocessor(tmp_path):
    nlp = spacy.blank("en")
    parse = spacy_preprocessor(nlp)
    assert spacy_preprocessor(nlp) is parse
    assert spacy_preprocessor(nlp, cache_dir=tmp_path) is not parse
    assert spacy_preprocessor(spacy.blank("en")) is not parse
    assert pattern_lf("p", [[{"LOWER": "x"}]], SPAM, nlp=nlp).func.parse is parse.func
    cached = spacy_preprocessor(nlp, cache_dir=tmp_path)
    assert phrase_lf("q", "x", SPAM, nlp=cached).func.parse is cached.func
    assert "0x" not in repr(parse.func)


def test_missing_texts_get_an_empty_doc():
    nlp = make_nlp()
    data = pd.DataFrame({"text": ["win $5", None, np.nan, pd.NA, ""]}, dtype=object)
    votes = apply_lfs(make_lfs(nlp), data, cardinality=2, progress=False)
    assert dense(votes)[0][0] == SPAM
    assert all(row == [ABSTAIN] * 3 for row in dense(votes)[1:])
    docs = spacy_preprocessor(nlp).columns(data)["doc"]
    assert [d.text for d in docs] == ["win $5", "", "", "", ""]


def test_non_text_and_missing_column_are_data_errors():
    parse = spacy_preprocessor(spacy.blank("en"))
    with pytest.raises(DataError, match=r"column 'text' must hold text.*row 1 holds int"):
        parse.columns(pd.DataFrame({"text": ["a", 5]}))
    with pytest.raises(
        DataError, match=r"text column 'text' is not in the data; its columns are: body"
    ):
        parse.columns(pd.DataFrame({"body": ["a"]}))
    lf = entity_lf("money", "MONEY", SPAM, nlp=make_nlp())
    with pytest.raises(LabelingFunctionError, match=r"money.*must hold text"):
        apply_lfs([lf], pd.DataFrame({"text": ["a", 5]}), cardinality=2, progress=False)


def test_other_text_column_and_field():
    nlp = make_nlp()
    parse = spacy_preprocessor(nlp, column="body", field="parsed")
    lf = entity_lf("money", ["MONEY"], SPAM, nlp=parse)
    votes = apply_lfs([lf], pd.DataFrame({"body": ["$5 now", "hi"]}), progress=False)
    assert dense(votes) == [[SPAM], [ABSTAIN]]
    assert "body" in lf.description


# -- errors name the parameter and the way out --------------------------------------------------


def test_pipeline_that_is_not_installed(monkeypatch):
    import spacy.cli

    def no_download(*args, **kwargs):
        raise AssertionError("weaklabel must never download a model")

    monkeypatch.setattr(spacy.cli, "download", no_download)
    with pytest.raises(MissingDependencyError, match="xx_weaklabel_missing_sm") as info:
        spacy_preprocessor("xx_weaklabel_missing_sm")
    message = str(info.value)
    assert "python -m spacy download xx_weaklabel_missing_sm" in message
    assert "never downloads" in message and "spacy.blank('en')" in message
    with pytest.raises(MissingDependencyError, match="xx_weaklabel_missing_sm"):
        entity_lf("people", "PERSON", HAM, nlp="xx_weaklabel_missing_sm")
    with pytest.raises(MissingDependencyError, match=r"language code.*spacy.blank\('en'\)"):
        spacy_preprocessor("en")


def test_pipelines_by_name_and_by_folder(tmp_path):
    assert entity_lf("m", "MONEY", SPAM, nlp=str(_saved(tmp_path)))({"text": "$5"}) == SPAM
    parse = spacy_preprocessor("blank:en")
    assert spacy_preprocessor("blank:en") is parse
    assert [t.text for t in parse({"text": "hi there"}).doc] == ["hi", "there"]


def _saved(tmp_path):
    make_nlp().to_disk(tmp_path / "pipeline")
    return tmp_path / "pipeline"


@pytest.mark.parametrize(
    ("patterns", "match"),
    [
        ([{"LOWER": "free"}], r"looks like one pattern: wrap it"),
        ([], r"non-empty list of token patterns"),
        ("free", r"non-empty list of token patterns"),
        ([[{"LOWER": "free"}], []], r"Pattern 1 is \[\]"),
        ([[{"LOWR": "free"}]], r"(?s)valid spaCy token patterns.*LOWR"),
        ([[{"LOWER": {"IN": "abc"}}]], r"valid spaCy token patterns"),
        ([[{"TEXT": {"REGEX": "("}}]], r"valid spaCy token patterns"),
    ],
)
def test_bad_patterns_are_parameter_errors(patterns, match):
    with pytest.raises(ParameterError, match=match):
        pattern_lf("p", patterns, SPAM, nlp=spacy.blank("en"))


def test_bad_builder_arguments_are_parameter_errors():
    nlp = make_nlp()
    with pytest.raises(ParameterError, match=r"'entity_labels'.*MONEY.*Did you mean 'MONEY'"):
        entity_lf("m", "MONY", SPAM, nlp=nlp)
    with pytest.raises(ParameterError, match=r"has no components.*entity_ruler"):
        entity_lf("m", "MONEY", SPAM, nlp=spacy.blank("en"))
    with pytest.raises(ParameterError, match=r"'attr'.*'LOWER'"):
        phrase_lf("p", ["x"], SPAM, nlp=nlp, attr="lower")
    with pytest.raises(ParameterError, match=r"'attr'.*'POS'.*does not set"):
        phrase_lf("p", ["x"], SPAM, nlp=nlp, attr="POS")
    with pytest.raises(ParameterError, match=r"'terms'"):
        phrase_lf("p", ["x", ""], SPAM, nlp=nlp)
    with pytest.raises(ParameterError, match=r"'label'.*class index"):
        phrase_lf("p", ["x"], "spam", nlp=nlp)
    with pytest.raises(ParameterError, match=r"'nlp'.*spacy_preprocessor"):
        phrase_lf("p", ["x"], SPAM, nlp=42)
    with pytest.raises(ParameterError, match=r"'field'.*not the text column"):
        spacy_preprocessor(nlp, field="text")
    with pytest.raises(ParameterError, match=r"'batch_size'.*>= 1"):
        spacy_preprocessor(nlp, batch_size=0)
    with pytest.raises(ParameterError, match=r"'n_process'"):
        spacy_preprocessor(nlp, n_process=0)


# -- the Doc cache ------------------------------------------------------------------------------


def test_second_run_reads_the_cache(tmp_path, monkeypatch):
    data = pd.DataFrame({"text": TEXTS})
    nlp = make_nlp()
    parsed = count_parses(monkeypatch, nlp)
    parse = spacy_preprocessor(nlp, cache_dir=tmp_path)
    first = apply_lfs(make_lfs(parse), data, cardinality=2, progress=False)
    assert sorted(parsed) == sorted(TEXTS)
    parsed.clear()
    again = apply_lfs(make_lfs(parse), data, cardinality=2, progress=False)
    assert parsed == [] and dense(again) == dense(first)
    docs = parse.columns(data)["doc"]
    assert all(doc.vocab is nlp.vocab for doc in docs)
    assert [d.text for d in docs] == TEXTS
    # only new texts are parsed
    apply_lfs(make_lfs(parse), pd.DataFrame({"text": [*TEXTS, "new text"]}), progress=False)
    assert parsed == ["new text"]


SCRIPT = """
import json, sys
import pandas as pd, spacy
from spacy.language import Language
from weaklabel import apply_lfs
from weaklabel import entity_lf, pattern_lf, phrase_lf, spacy_preprocessor

cache, forbid = sys.argv[1], sys.argv[2] == "forbid"
nlp = spacy.blank("en")
nlp.add_pipe("entity_ruler").add_patterns({money})
parse = spacy_preprocessor(nlp, cache_dir=cache)
lfs = [entity_lf("money", "MONEY", 1, nlp=parse),
       pattern_lf("text_to_number", {text_to_number}, 1, nlp=parse),
       phrase_lf("chat", {chat}, 0, nlp=parse)]
if forbid:
    def refuse(self, *args, **kwargs):
        raise AssertionError("parsed although the cache holds every text")
    Language.pipe = refuse
    Language.__call__ = refuse
votes = apply_lfs(lfs, pd.DataFrame({{"text": {texts}}}), cardinality=2, progress=False,
                  chunk_size=4, n_jobs=int(sys.argv[3]))
print(json.dumps(votes.to_dense().tolist()))
"""


def run_script(tmp_path, mode, n_jobs=1):
    script = tmp_path / "run.py"
    script.write_text(
        textwrap.dedent(SCRIPT).format(
            money=MONEY, text_to_number=TEXT_TO_NUMBER, chat=CHAT, texts=TEXTS
        )
    )
    out = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "cache"), mode, str(n_jobs)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_a_fresh_process_parses_nothing_that_is_cached(tmp_path):
    first = run_script(tmp_path, "parse")
    assert first == [list(v) for v in zip(*EXPECTED.values(), strict=True)]
    assert run_script(tmp_path, "forbid") == first


def test_worker_processes_share_the_cache(tmp_path):
    first = run_script(tmp_path, "parse", n_jobs=2)
    assert run_script(tmp_path, "forbid", n_jobs=2) == first
    assert run_script(tmp_path, "forbid", n_jobs=1) == first


@pytest.mark.parametrize("change", ["patterns", "version", "components", "tokenizer"])
def test_another_pipeline_never_reads_the_cache(tmp_path, monkeypatch, change):
    data = pd.DataFrame({"text": TEXTS})
    apply_lfs(make_lfs(spacy_preprocessor(make_nlp(), cache_dir=tmp_path)), data, progress=False)
    if change == "patterns":
        other = make_nlp([*MONEY, {"label": "MONEY", "pattern": [{"LOWER": "cash"}]}])
    elif change == "version":
        other = make_nlp(version="1.0.1")
    elif change == "components":
        other = make_nlp()
        other.add_pipe("sentencizer")
    else:
        other = make_nlp()
        other.tokenizer.add_special_case("$500", [{"ORTH": "$500"}])
    parsed = count_parses(monkeypatch, other)
    votes = apply_lfs(make_lfs(spacy_preprocessor(other, cache_dir=tmp_path)), data, progress=False)
    assert sorted(parsed) == sorted(TEXTS)
    assert len(list(tmp_path.iterdir())) == 2
    if change == "tokenizer":  # "$500" is one token now, so it is no longer "$" + a number
        assert dense(votes)[0][0] == ABSTAIN


def test_patterns_added_later_change_the_key(tmp_path):
    nlp = make_nlp()
    parse = spacy_preprocessor(nlp, cache_dir=tmp_path)
    lf = entity_lf("money", "MONEY", SPAM, nlp=parse)
    assert lf({"text": "cash only"}) == ABSTAIN
    nlp.get_pipe("entity_ruler").add_patterns([{"label": "MONEY", "pattern": "cash"}])
    assert lf({"text": "cash only"}) == SPAM


def with_token_count(parse):
    """The builder LFs plus a row LF reading the Docs themselves."""

    @labeling_function(pre=[parse])
    def long_message(x):
        return SPAM if len(x.doc) > 8 else ABSTAIN

    return [*make_lfs(parse), long_message]


def test_damaged_cache_files_are_parsed_again(tmp_path, monkeypatch):
    data = pd.DataFrame({"text": TEXTS})
    nlp = make_nlp()
    parse = spacy_preprocessor(nlp, cache_dir=tmp_path)
    first = apply_lfs(with_token_count(parse), data, progress=False)
    (doc_file,) = tmp_path.glob("*/*.spacy")
    doc_file.write_bytes(b"not a DocBin")
    for outcomes in tmp_path.glob("*/*.*.npy"):
        if not outcomes.name.endswith(".keys.npy"):
            outcomes.write_bytes(b"damaged")
    other = make_nlp()  # a new process would see the same files
    parsed = count_parses(monkeypatch, other)
    again_parse = spacy_preprocessor(other, cache_dir=tmp_path)
    again = apply_lfs(with_token_count(again_parse), data, progress=False)
    assert sorted(parsed) == sorted(TEXTS) and dense(again) == dense(first)


def test_warm_builders_rebuild_no_doc(tmp_path, monkeypatch):
    from weaklabel._lfs.doc_cache import PipelineStore

    data = pd.DataFrame({"text": TEXTS * 2})
    parse = spacy_preprocessor(make_nlp(), cache_dir=tmp_path)
    first = apply_lfs(make_lfs(parse), data, progress=False, chunk_size=4)
    stored = [p for p in tmp_path.glob("*/*.npy") if not p.name.endswith(".keys.npy")]
    assert len(stored) == 3 * len(list(tmp_path.glob("*/*.spacy")))  # one per rule and DocBin

    def refuse(*args, **kwargs):
        raise AssertionError("a Doc was rebuilt or parsed")

    monkeypatch.setattr(PipelineStore, "docs_at", refuse)
    other = make_nlp()  # a new process: the outcomes come from the files
    monkeypatch.setattr(type(other), "pipe", refuse)
    again = apply_lfs(make_lfs(spacy_preprocessor(other, cache_dir=tmp_path)), data, progress=False)
    assert dense(again) == dense(first)
    # a rule on a custom attribute runs user code: its outcomes are never stored
    from spacy.tokens import Token

    Token.set_extension("is_cash", getter=lambda token: token.lower_ == "cash", force=True)
    custom = pattern_lf("custom", [[{"_": {"is_cash": True}}]], SPAM, nlp=parse)
    assert custom.func.key is None


def test_outcomes_follow_the_rule_not_the_label(tmp_path):
    data = pd.DataFrame({"text": TEXTS})
    parse = spacy_preprocessor(make_nlp(), cache_dir=tmp_path)
    spam = apply_lfs([entity_lf("m", "MONEY", SPAM, nlp=parse)], data, progress=False)
    ham = apply_lfs([entity_lf("m", "MONEY", HAM, nlp=parse)], data, progress=False)
    assert [[v if v < 0 else HAM for v in row] for row in dense(spam)] == dense(ham)
    assert dense(ham) != [[ABSTAIN]] * len(TEXTS)
    other = apply_lfs([phrase_lf("m", ["$"], SPAM, nlp=parse)], data, progress=False)
    assert dense(other) != dense(spam)  # another rule, with its own stored outcomes


def test_keys_agree_on_all_128_bits(tmp_path, monkeypatch):
    import weaklabel._lfs.doc_cache as doc_cache

    real = doc_cache.text_keys

    def colliding(texts):  # the same first 64 bits for every text
        keys = real(texts).copy()
        keys[:, 0] = 7
        return keys

    monkeypatch.setattr(doc_cache, "text_keys", colliding)
    nlp = make_nlp()
    store = DocCache(tmp_path).open(nlp)
    store.put(["a $5 tip"], [nlp("a $5 tip")])
    assert store.get(["another text"]) == [None]
    assert store.get(["a $5 tip"])[0].text == "a $5 tip"


def test_doc_bin_keeps_every_annotation():
    nlp = make_nlp([*MONEY, {"label": "PRIZE", "pattern": "prize", "id": "prize-id"}])
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("span_ruler").add_patterns([{"label": "CALL", "pattern": [{"LOWER": "call"}]}])
    docs = list(nlp.pipe([*TEXTS, "", "A prize. Call now."]))
    docs[0].cats = {"spam": 1.0}
    docs[1].user_data["note"] = "kept"
    restored = list(DocBin().from_bytes(_doc_bin(docs, nlp.vocab).to_bytes()).get_docs(nlp.vocab))
    for doc, back in zip(docs, restored, strict=True):
        assert back.to_json() == doc.to_json()
        assert [(e.label_, e.ent_id_) for e in back.ents] == [
            (e.label_, e.ent_id_) for e in doc.ents
        ]
        assert [s.text for s in back.spans["ruler"]] == [s.text for s in doc.spans["ruler"]]
        assert [s.text for s in back.sents] == [s.text for s in doc.sents]
        assert back.cats == doc.cats and back.user_data == doc.user_data


def test_index_finds_every_key_across_merged_segments():
    rng = np.random.default_rng(0)
    index, expected = _Index(), {}
    for file_id in range(40):
        keys = rng.integers(0, 2**63, size=(int(rng.integers(1, 50)), 2), dtype=np.uint64)
        index.add(f"f{file_id}", keys)
        for position, key in enumerate(map(tuple, keys.tolist())):
            expected.setdefault(key, (file_id << 32) | position)
    assert len(index._segments) < 10
    keys = np.array(list(expected), dtype=np.uint64)
    assert index.lookup(keys).tolist() == list(expected.values())
    assert index.lookup(np.array([[1, 2], [keys[0, 0], 3]], dtype=np.uint64)).tolist() == [-1, -1]


def test_checkpoints_recognise_spacy_lfs_across_runs(tmp_path):
    data = pd.DataFrame({"text": TEXTS})
    first = apply_lfs(make_lfs(make_nlp()), data, progress=False, checkpoint_dir=tmp_path)
    again = apply_lfs(make_lfs(make_nlp()), data, progress=False, checkpoint_dir=tmp_path)
    assert dense(again) == dense(first)
    changed = make_lfs(make_nlp())
    changed[1] = pattern_lf("text_to_number", [[{"LOWER": "to"}]], SPAM, nlp=make_nlp())
    with pytest.raises(DataError, match="LF 'text_to_number' changed: field 'spec' differs"):
        apply_lfs(changed, data, progress=False, checkpoint_dir=tmp_path)


def test_pipeline_identity_is_readable_json():
    identity = pipeline_identity(make_nlp())
    assert json.loads(json.dumps(identity))["components"][0]["factory"] == "entity_ruler"


# -- processes ----------------------------------------------------------------------------------


def test_n_jobs_2_gives_identical_votes(tmp_path):
    data = pd.DataFrame({"text": TEXTS * 5 + [f"call {i} now, $ {i}" for i in range(20)]})
    nlp = make_nlp()
    one = apply_lfs(make_lfs(nlp), data, cardinality=2, progress=False, chunk_size=7)
    two = apply_lfs(make_lfs(nlp), data, cardinality=2, progress=False, chunk_size=7, n_jobs=2)
    assert dense(two) == dense(one)
    cached = spacy_preprocessor(nlp, cache_dir=tmp_path)
    three = apply_lfs(make_lfs(cached), data, progress=False, chunk_size=7, n_jobs=2)
    assert dense(three) == dense(one)


def test_n_process_2_gives_identical_docs():
    nlp = make_nlp()
    data = pd.DataFrame({"text": TEXTS})
    docs = spacy_preprocessor(nlp, n_process=2, batch_size=2).columns(data)["doc"]
    assert [d.to_json() for d in docs] == [nlp(t).to_json() for t in TEXTS]


def test_progress_bar_counts_texts(capsys):
    spacy_preprocessor(make_nlp(), progress=True).columns(pd.DataFrame({"text": TEXTS}))
    assert "texts" in capsys.readouterr().err
