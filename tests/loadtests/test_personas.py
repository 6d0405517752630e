"""The persona registry and the Locust users stay in step; the options take their choices from the registry."""

from __future__ import annotations

import inspect

import pytest
from locust.util.load_locustfile import is_user_class

from loadtests import _users as users
from loadtests import locustfile
from loadtests._options import LoadOptions, parse_weights
from loadtests._personas import PERSONAS, default_weights


def test_personas_each_entry_has_one_user_class_with_its_weight():
    assert list(users.USERS) == list(PERSONAS) == ["forwarder", "visitor", "collector"]
    assert {name: cls.weight for name, cls in users.USERS.items()} == {"forwarder": 6, "visitor": 3, "collector": 1}
    assert [cls.persona for cls in users.persona_users()] == list(PERSONAS)


def test_personas_every_concrete_user_class_of_the_module_is_registered():
    concrete = [cls for _, cls in inspect.getmembers(users, inspect.isclass)
                if issubclass(cls, users.EdgeUser) and not cls.abstract]
    assert sorted(cls.__name__ for cls in concrete) == sorted(cls.__name__ for cls in users.USERS.values())


def test_personas_the_default_locustfile_runs_every_persona_and_nothing_else():
    # Locust runs every user class in the locustfile's namespace (locust.util.load_locustfile).
    ran = [value for value in vars(locustfile).values() if is_user_class(value)]
    assert sorted(cls.persona for cls in ran) == sorted(PERSONAS)
    assert sorted(locustfile.__all__) == sorted(["ConfiguredShape", *(cls.__name__ for cls in ran)])


def test_personas_a_class_naming_a_persona_not_in_the_registry_is_refused():
    refused = r"persona 'app' is not in loadtests\._personas\.PERSONAS \(forwarder, visitor, collector\); add its entry"
    with pytest.raises(TypeError, match=refused):
        type("MobileApp", (users.EdgeUser,), {"persona": "app"})
    assert "app" not in users.USERS


def test_personas_a_second_class_for_a_persona_is_refused():
    with pytest.raises(TypeError, match="persona 'forwarder' already has a user class, ServerForwarder"):
        type("OtherForwarder", (users.EdgeUser,), {"persona": "forwarder"})
    assert users.USERS["forwarder"] is users.ServerForwarder


def test_personas_a_subclass_of_a_personas_class_is_not_registered_and_keeps_its_weight():
    mine = type("MyForwarder", (users.ServerForwarder,), {"host": "http://127.0.0.1:9"})
    assert users.USERS["forwarder"] is users.ServerForwarder
    assert (mine.persona, mine.weight) == ("forwarder", 6)


def test_personas_an_entry_without_a_user_class_is_named(monkeypatch):
    monkeypatch.delitem(users.USERS, "visitor")
    with pytest.raises(LookupError, match=r"persona\(s\) visitor of loadtests\._personas have no EdgeUser class"):
        users.persona_users()


def test_personas_default_weights_are_the_registrys():
    assert default_weights() == "forwarder=6,visitor=3,collector=1"
    assert LoadOptions.from_namespace(None).persona_weights == {"forwarder": 6.0, "visitor": 3.0, "collector": 1.0}


def test_personas_an_unknown_name_is_refused_with_the_registrys_names():
    with pytest.raises(ValueError, match="unknown name 'browser'; choose from forwarder, visitor, collector"):
        parse_weights("browser=1", "--persona-weights", tuple(PERSONAS))
