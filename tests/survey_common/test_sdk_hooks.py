"""Every private singer-sdk name the suite relies on is listed, and still exists in the SDK."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from singer_sdk.plugin_base import PluginBase

from survey_common.sdk_hooks import SDK_PRIVATE_NAMES

NAMES = [(cls, name) for cls, names in SDK_PRIVATE_NAMES.items() for name in names]
PACKAGES = [
    "survey_common",
    "tap_buenno",
    "tap_feedbackapi",
    "tap_hellocustomer",
    "target_buenno",
    "target_feedbackapi",
    "target_hellocustomer",
]


@pytest.mark.parametrize(("cls", "name"), NAMES, ids=[f"{c.__name__}.{n}" for c, n in NAMES])
def test_sdk_still_has_the_private_name(cls: type, name: str) -> None:
    # A method is on the class; an attribute the SDK sets in __init__ only in its source.
    assert hasattr(cls, name) or f"self.{name}" in inspect.getsource(cls), (
        f"singer-sdk's {cls.__name__} no longer has {name}: see survey_common/sdk_hooks.py"
    )


def _our_classes() -> list[type]:
    classes = []
    for package in PACKAGES:
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, f"{package}."):
            if info.name.endswith("__main__"):
                continue
            module = importlib.import_module(info.name)
            classes += [
                cls
                for cls in vars(module).values()
                if inspect.isclass(cls) and cls.__module__ == module.__name__
            ]
    return classes


def test_every_private_sdk_name_we_override_is_listed() -> None:
    listed = {name for names in SDK_PRIVATE_NAMES.values() for name in names}
    unlisted = set()
    for cls in _our_classes():
        # The settings and exit mixins stand in for PluginBase at run time.
        sdk_bases = [base for base in cls.__mro__ if base.__module__.startswith("singer_sdk")]
        sdk_bases.append(PluginBase)
        for name in vars(cls):
            private = name.startswith("_") and not name.startswith("__") and name != "_abc_impl"
            if private and name not in listed and any(name in vars(b) for b in sdk_bases):
                unlisted.add(f"{cls.__name__}.{name}")
    assert not unlisted, f"SDK private names overridden but not in sdk_hooks.py: {unlisted}"
