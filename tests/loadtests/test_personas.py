"""The persona registry and the Locust users stay in step; the options take their choices from the registry."""

from __future__ import annotations

import inspect

import pytest

from loadtests import locustfile, users
from loadtests.options import LoadOptions, parse_weights
from loadtests.personas import PERSONAS, default_weights


def _persona_classes() -> dict[str, type[users.EdgeUser]]:
    found = [cls for _, cls in inspect.getmembers(users, inspect.isclass)
             if issubclass(cls, users.EdgeUser) and not cls.__dict__.get("abstract", False)]
    return {cls.persona: cls for cls in found}


def test_personas_each_entry_has_one_user_class_with_its_weight():
    classes = _persona_classes()
    assert sorted(classes) == sorted(PERSONAS) == ["collector", "forwarder", "visitor"]
    assert {name: cls.weight for name, cls in classes.items()} == {"forwarder": 6, "visitor": 3, "collector": 1}


def test_personas_the_default_locustfile_runs_every_persona():
    ran = {getattr(locustfile, name).persona for name in locustfile.__all__
           if getattr(getattr(locustfile, name), "persona", "")}
    assert ran == set(PERSONAS)


def test_personas_default_weights_are_the_registrys():
    assert default_weights() == "forwarder=6,visitor=3,collector=1"
    assert LoadOptions.from_namespace(None).persona_weights == {"forwarder": 6.0, "visitor": 3.0, "collector": 1.0}


def test_personas_an_unknown_name_is_refused_with_the_registrys_names():
    with pytest.raises(ValueError, match="unknown name 'browser'; choose from forwarder, visitor, collector"):
        parse_weights("browser=1", "--persona-weights", tuple(PERSONAS))
