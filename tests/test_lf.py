from __future__ import annotations

import pytest

from weaklabel import ABSTAIN, LabelingFunction, ParameterError, labeling_function, preprocessor


def test_decorator_works_bare_and_called():
    @labeling_function
    def bare(x):
        """Votes 1 on everything."""
        return 1

    @labeling_function()
    def called(x):
        return 0

    assert isinstance(bare, LabelingFunction) and bare.name == "bare"
    assert isinstance(called, LabelingFunction) and called.name == "called"
    assert bare.description == "Votes 1 on everything."
    assert bare({"text": ""}) == 1 and called({"text": ""}) == 0


def test_name_and_resources():
    @labeling_function(name="has_word", resources={"word": "buy"})
    def f(x, word):
        return 1 if word in x.text else ABSTAIN

    assert f.name == "has_word"
    assert f({"text": "buy now"}) == 1
    assert f({"text": "hello"}) == ABSTAIN


def test_preprocessors_run_in_order_before_the_lf():
    @preprocessor
    def lower(x):
        return {"lower": x.text.lower()}

    @preprocessor(name="words")
    def words(x):
        return {"words": x.lower.split()}

    @labeling_function(pre=[lower, words])
    def says_buy(x):
        return 1 if "buy" in x.words else ABSTAIN

    assert says_buy({"text": "BUY now"}) == 1
    assert words.name == "words"


def test_preprocessor_must_return_a_mapping():
    @preprocessor
    def bad(x):
        return x

    with pytest.raises(TypeError, match="preprocessor 'bad' returned Example"):
        bad({"text": "a"})


def test_pre_must_hold_preprocessors():
    with pytest.raises(ParameterError, match="'pre' parameter of labeling function 'f'"):
        LabelingFunction(lambda x: 1, name="f", pre=[lambda x: {}])


def test_lambda_needs_a_name():
    with pytest.raises(ParameterError, match="lambda"):
        LabelingFunction(lambda x: 1)
    assert LabelingFunction(lambda x: 1, name="one").name == "one"


def test_repr_mentions_name():
    @labeling_function
    def f(x):
        return 1

    assert repr(f) == "LabelingFunction('f')"
