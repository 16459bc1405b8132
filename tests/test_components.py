import pytest

from automl_core import Evaluator, FeatureBuilder, Loader, ModelFamily, Monitor, Preprocessor


def _family(**kw):
    base = dict(name="fam", tasks=("binary",), build=lambda p, c: None, suggest=lambda t, c: {})
    base.update(kw)
    return ModelFamily(**base)


def test_model_family_normalises_and_freezes():
    family = _family(tasks=["binary", "regression"], defaults=[{"a": 1}])
    assert family.tasks == ("binary", "regression")
    assert family.defaults == ({"a": 1},)
    with pytest.raises(AttributeError):
        family.name = "other"


@pytest.mark.parametrize(
    "kw, message",
    [
        ({"name": "has space"}, "identifier"),
        ({"tasks": ("ranking",)}, "tasks"),
        ({"tasks": ()}, "tasks"),
        ({"categorical": ("hashing",)}, "encodings"),
    ],
)
def test_model_family_rejects_bad_fields(kw, message):
    with pytest.raises(ValueError, match=message):
        _family(**kw)


def test_preprocessor_stage_and_encoding_rules():
    Preprocessor("ohe", "categorical_encode", lambda p, c: None, encoding="onehot")
    with pytest.raises(ValueError, match="stage"):
        Preprocessor("x", "somewhere", lambda p, c: None)
    with pytest.raises(ValueError, match="encoding is required"):
        Preprocessor("x", "categorical_encode", lambda p, c: None)
    with pytest.raises(ValueError, match="encoding is required"):
        Preprocessor("x", "numeric_scale", lambda p, c: None, encoding="onehot")


def test_other_records_validate_names_and_fields():
    with pytest.raises(ValueError, match="needs"):
        Evaluator("m", ("binary",), lambda a, b: 0.0, needs="scores")
    with pytest.raises(ValueError, match="identifier"):
        Monitor("", lambda r, c, x: None)
    with pytest.raises(ValueError, match="identifier"):
        Loader("a b", lambda s, o: True, lambda s, o: None)
    builder = FeatureBuilder("dates", build=lambda p, c: None, applies=lambda f: True)
    assert builder.optional and builder.tasks == ("binary", "multiclass", "regression")


def test_every_installed_component_pickles_as_worker_processes_receive_it():
    """The search's payload holds the registry: one component that does not pickle (a lambda
    as a field default) stops every parallel search. This caught Explainer.applies."""
    import pickle

    from automl_core import Explainer
    from automl_core.plugin import Registry, build_plugin_manager

    registry = Registry.from_manager(build_plugin_manager())
    assert pickle.loads(pickle.dumps(registry)) is not None
    bare = Explainer("bare", explain=print)  # the defaults alone
    assert pickle.loads(pickle.dumps(bare)).applies(None, {})
