"""The application timeline: every reviewed date is stated by the provision it cites."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient

from desk.api.app import create_app
from desk.index import LoadedIndex
from desk.timeline import ENTRIES, Timeline
from desk.types import Authority, Provision, ProvisionKind


@pytest.mark.corpus
def test_every_entry_matches_the_text_of_the_law_in_force(corpus_settings):
    index = LoadedIndex.open(corpus_settings)
    timeline = Timeline.from_index(index)
    assert len(timeline.entries) == len(ENTRIES)
    dates = {entry.date.isoformat(): entry.set_by for entry in timeline.entries}
    assert dates["2027-12-02"] == "art-113.pt-c" and dates["2028-08-02"] == "art-113.pt-c"
    assert dates["2025-08-02"] == "art-113.pt-b" and dates["2026-07-27"] == "art-113.pt-d"
    for entry in timeline.entries:
        assert index.provision(entry.set_by).source_id == "ai-act-consolidated"


class _IndexWhereArticle113Changed:
    """A stand-in index whose Article 113(c) moved its dates: what a newer consolidated text
    would do. The real index cannot be made to say so."""

    def provision(self, anchor):
        text = "Chapter III, Sections 1, 2, and 3 shall apply from 2 December 2029."
        return Provision(
            anchor=anchor, label=anchor, kind=ProvisionKind.POINT, text=text if anchor == "art-113.pt-c" else "",
            source_id="ai-act-consolidated", version="2030-01-01", authority=Authority.BINDING, deep_link="x",
        )  # fmt: skip


def test_an_entry_the_law_no_longer_states_is_left_out():
    timeline = Timeline.from_index(_IndexWhereArticle113Changed())
    assert timeline.entries == ()


def test_statuses_are_relative_to_the_day():
    annex_iii = next(e for e in ENTRIES if e.date == date(2027, 12, 2))
    assert (
        annex_iii.status(date(2026, 11, 27))
        == "applies from 2 December 2027 for high-risk AI systems under Article 6(2) and Annex III"
    )
    assert annex_iii.status(date(2028, 1, 1)).startswith("applies since 2 December 2027 for high-risk")
    gpai_transition = next(e for e in ENTRIES if e.set_by == "art-111.par-3")
    assert gpai_transition.status(date(2026, 11, 27)) == "due by 2 August 2027"


def test_each_kind_of_system_already_placed_has_its_transitional_paragraph():
    timeline = Timeline(ENTRIES)
    chapter_iii = ("Chapter III High-risk AI systems", "Section 2 Requirements for high-risk AI systems")
    assert timeline.transition_for("art-9.par-1", chapter_iii) == "art-111.par-2"
    assert timeline.transition_for("anx-III.pt-4.pt-a", ()) == "art-111.par-2"
    assert (
        timeline.transition_for("art-53.par-1", ("Chapter V General-purpose AI models",)) == "art-111.par-3"
    )
    assert (
        timeline.transition_for("art-50.par-2", ("Chapter IV Transparency obligations",)) == "art-111.par-4"
    )
    assert timeline.transition_for("anx-X.pt-5", ()) == "art-111.par-1"
    # Annex III uses are dated by Article 113, point (c), as systems under Article 6(2).
    (dated,) = timeline.applying_to("anx-III.pt-4.pt-a", ())
    assert dated.date == date(2027, 12, 2)
    # Prohibitions and governance have no transitional rule of their own.
    assert timeline.transition_for("art-5.par-1.pt-f", ("Chapter II Prohibited AI practices",)) is None
    assert timeline.transition_for("art-64", ("Chapter VII Governance",)) is None


@pytest.mark.corpus
def test_the_timeline_route(corpus_settings, tmp_path):
    settings = corpus_settings.model_copy(update={"database_url": f"sqlite:///{tmp_path / 't.sqlite3'}"})
    with TestClient(create_app(settings)) as client:
        entries = client.get("/api/timeline", params={"as_of": "2026-11-27"}).json()
        assert [e["date"] for e in entries] == sorted(e["date"] for e in entries)
        annex_iii = next(e for e in entries if e["date"] == "2027-12-02")
        assert annex_iii["status"].startswith("applies from 2 December 2027 for high-risk AI systems")
        assert annex_iii["label"] == "Article 113, point (c)" and annex_iii["deep_link"].startswith(
            "https://"
        )
        assert client.get("/api/timeline", params={"as_of": "not a date"}).status_code == 422
