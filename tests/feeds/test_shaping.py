"""feeds.toml through pydantic (French errors), RE2 filters, OPML reading and writing."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import SettingsError
from bot.sources.feeds.config import FeedDef, load_feeds
from bot.sources.feeds.filters import FilterError, Filters, compile_patterns
from bot.sources.feeds.opml import OpmlError, export_opml, parse_opml
from bot.timeutil import utc_now
from tests.feeds.conftest import make_settings

URL = 'url = "https://exemple.org/a.xml"\n'
BAD = {
    '[[feed]]\nname = "A"\n' + URL + 'kind = "site"\n': "kind doit valoir « feed »",
    '[[feed]]\nname = "A"\n' + URL + 'show = "tout"\n': "show doit valoir",
    '[[feed]]\nname = "A"\n' + URL + 'include_regex = ["(a)\\\\1"]\n': "temps linéaire",
    '[[feed]]\nname = "A"\n' + URL + 'kind = "page"\nselector = "main[[["\n': "sélecteur CSS",
    '[[feed]]\nname = "A"\n' + URL + 'selector = "main"\n': "kind = \"page\"",
    '[[feed]]\nname = "A"\n' + URL + "include = 3\n": "include doit être une liste",
    '[[feed]]\nname = "A"\n' + URL + "role = 5\n": "role doit être",
    '[[feed]]\n' + URL: "nom « None » invalide",
    '[[feed]]\nname = "A"\n': "clé « url » manquante",
    "feed = 3\n": "attendu des tables",
    "[autre]\nx = 1\n": "clé inconnue « autre »",
    '[[feed]]\nname = "A"\nname = "B"\n': "ligne 3, colonne",
}


@pytest.mark.parametrize("text", sorted(BAD))
def test_feeds_toml_mistakes_are_told_in_french(tmp_path: Path, text: str) -> None:
    settings = make_settings(tmp_path, feeds_toml=text)
    with pytest.raises(SettingsError) as error:
        load_feeds(settings)
    message = str(error.value)
    assert BAD[text] in message and "feeds.toml" in message
    for english in ("Input should", "Field required", "Extra inputs", "Cannot overwrite"):
        assert english not in message


def test_a_full_definition_round_trips(tmp_path: Path) -> None:
    toml = (
        '[[feed]]\nname = "Page MSSS"\nurl = "https://exemple.org/p"\nkind = "page"\n'
        'selector = "main article"\nchannels = ["msss", "123456789012345678"]\n'
        'include = ["PSOC"]\nexclude_regex = ["maintenance|panne"]\nshow = "summary"\n'
        "interval_minutes = 30\n"
    )
    [feed] = load_feeds(make_settings(tmp_path, feeds_toml=toml))
    assert feed.kind == "page" and feed.selector == "main article" and feed.show == "summary"
    assert feed.channels == ("msss", "123456789012345678")  # a thread id stands for a channel
    assert feed.exclude_regex == ("maintenance|panne",) and feed.interval_minutes == 30


def test_filters_look_at_title_text_and_categories() -> None:
    filters = Filters.build(include=["psoc"], exclude=["annulé"],
                            include_regex=[r"consultation\s+publique"])
    assert filters.decide("Avis", "rien", ["PSOC"]).passed  # category
    assert filters.decide("Consultation  publique", "", []).passed
    assert filters.decide("Événement ANNULÉ", "PSOC", []).passed is False
    dropped = filters.decide("Autre chose", "", [])
    assert not dropped.passed and "aucun mot" in dropped.reason
    assert Filters.build(include_regex=[r"\Scole"]).decide("École", "", []).passed  # \S kept


def test_catastrophic_patterns_run_in_linear_time() -> None:
    # (a+)+$ backtracks exponentially in Python's re; RE2 answers at once.
    filters = Filters.build(include_regex=[r"(a+)+$"])
    assert not filters.decide("a" * 19_000 + "!", "", []).passed
    with pytest.raises(FilterError):
        compile_patterns([r"(?<=x)y"])
    with pytest.raises(FilterError):
        compile_patterns(["x" * 301])


def test_opml_round_trip_and_hostile_files() -> None:
    feeds = [
        FeedDef(name="MSSS", url="https://exemple.org/msss.xml"),
        FeedDef(name="Page", url="https://exemple.org/page", kind="page"),
    ]
    data = export_opml(feeds, now=utc_now())
    entries = parse_opml(data)
    assert [(e.name, e.url, e.kind) for e in entries] == [
        ("MSSS", "https://exemple.org/msss.xml", "feed"),
        ("Page", "https://exemple.org/page", "page"),
    ]
    for bad in (b"pas du xml", b"<rss/>", b"<opml><body/></opml>",
                '<!DOCTYPE o [<!ENTITY a "b">]><opml/>'.encode("utf-16")):
        with pytest.raises(OpmlError) as error:
            parse_opml(bad)
        assert error.value.message
