"""The install (issue 15, item 1): what setup.py asks for, what requirements.lock pins, what is importable.

The fresh-venv check itself (Python 3.11's own pip 23.2: ``pip install -e .`` then
``scrapy list``) needs PyPI and minutes; it is described in the README and was run by hand.
These tests catch the two ways the install breaks again: a dependency imported through a
renamed extra (lxml's ``html_clean``), and a ``setup.py`` change without ``make lock``.
"""

import re
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


def lock_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            req = Requirement(line)
            assert str(req.specifier).startswith("==") and not req.extras and not req.url, line
            pins[canonical(req.name)] = str(req.specifier)[2:]
    return pins


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(extras=("test",)) -> list[Requirement]:
    reqs = [Requirement(r) for r in metadata.requires("newscrawl") or []]
    return [r for r in reqs if r.marker is None or any(r.marker.evaluate({"extra": e}) for e in extras)]


def test_lxml_html_clean_is_a_direct_dependency_and_trafilatura_imports():
    names = {canonical(r.name) for r in declared(extras=())}
    assert "lxml-html-clean" in names  # not through lxml[html_clean]: pip 23.2 misses the renamed extra
    import lxml.html.clean  # noqa: F401  (jusText, used by trafilatura, imports it)
    import trafilatura  # noqa: F401


def test_lock_pins_every_declared_dependency_within_its_range():
    pins = lock_pins()
    for req in declared():
        name = canonical(req.name)
        assert name in pins, f"{req} is not in requirements.lock: run `make lock`"
        assert req.specifier.contains(pins[name], prereleases=True), f"{req} vs locked {pins[name]}: run `make lock`"


def test_lock_is_portable():
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    assert "--index-url" not in text and "--extra-index-url" not in text and "file://" not in text
    assert "/opt/" not in text and "-e " not in text
    assert "make lock" in text  # says how to refresh it


def test_installed_versions_are_the_locked_ones():
    """`make`/.ci/run install with `-c requirements.lock`: the environment is the one CI tested."""
    pins = lock_pins()
    for req in declared():
        name = canonical(req.name)
        assert metadata.version(req.name) == pins[name], name
