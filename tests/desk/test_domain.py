"""Answers like an AI Act specialist's: roles, role switches, versions, links, authority.

Through the real app on the real index of the official texts (the `corpus` marker).
"""

from __future__ import annotations

import pytest

from tests.conftest import ask

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def client(corpus_client):
    return corpus_client


def _articles(answer: dict) -> set[str]:
    return {c["anchor"].split(".")[0] for c in answer["citations"]}


def test_deployer_and_provider_duties_cite_articles_26_and_16(client):
    deployer = ask(client, "We use a high-risk AI system to screen job applicants. What are our obligations?")
    provider = ask(
        client, "We develop a high-risk AI system that screens job applicants. What are our obligations?"
    )
    assert deployer["role"] == "deployer" and provider["role"] == "provider"
    assert "art-26" in _articles(deployer) and "art-16" not in _articles(deployer)
    assert "art-16" in _articles(provider) and "art-26" not in _articles(provider)
    assert any("Answered for a deployer" in note and "Article 26" in note for note in deployer["notes"])
    assert deployer["clarify"] is None


def test_the_role_from_the_request_steers_an_answer_that_names_none(client):
    answer = ask(client, "What must we do for a high-risk AI system?", role="deployer")
    assert answer["role"] == "deployer" and "art-26" in _articles(answer)
    bad = client.post("/api/chat", json={"question": "What must we do?", "role": "regulator"})
    assert bad.status_code == 422 and "role" in bad.json()["error"]


def test_a_duty_question_without_a_role_asks_back(client):
    answer = ask(client, "What are our obligations for a high-risk AI system?")
    assert answer["role"] is None
    assert answer["clarify"] and "provider" in answer["clarify"] and "deployer" in answer["clarify"]


def test_an_article_25_role_switch_is_recognised_and_cited(client):
    answer = ask(
        client,
        "We deploy a high-risk AI system and now want to put our own brand on it. Do we become its provider?",
    )
    assert any(c["anchor"].startswith("art-25.par-1") for c in answer["citations"]), answer["text"]
    assert any(note.startswith("Article 25(1)") and "provider" in note for note in answer["notes"])


def test_the_history_of_article_113_shows_both_versions(client):
    response = client.get("/api/provisions/Article 113/history")
    assert response.status_code == 200, response.text
    history = response.json()
    assert history["anchor"] == "art-113" and history["changed"] is True
    assert history["before"]["version"] == "2024-07-12" and history["in_force"]["version"] == "2026-07-27"
    assert "2026/1744" in (history["amended_by"] or "") or any(
        "2026/1744" in (p.get("amended_by") or "") for p in client.get("/api/amendments").json()
    )
    before = "".join(c["text"] for c in history["changes"] if c["op"] != "inserted")
    after = "".join(c["text"] for c in history["changes"] if c["op"] != "deleted")
    assert " ".join(before.split()) == " ".join(history["before"]["text"].split())
    assert " ".join(after.split()) == " ".join(history["in_force"]["text"].split())
    assert client.get("/api/provisions/Article 999/history").status_code == 404


def test_the_amended_provisions_are_listed(client):
    amended = client.get("/api/amendments").json()
    assert amended and all(item["amended_by"] for item in amended)
    assert any(item["anchor"].startswith("art-113") for item in amended)


def test_what_a_provision_said_before_is_answered_from_both_versions(client):
    answer = ask(client, "What did Article 113 say before the Digital Omnibus?")
    versions = {c["version"] for c in answer["citations"] if c["anchor"].startswith("art-113")}
    assert "2024-07-12" in versions, answer["text"]
    assert any("/api/provisions/art-113/history" in note for note in answer["notes"])


def test_cited_passages_come_with_their_references_and_definitions(client):
    answer = ask(client, "What are the obligations of deployers of high-risk AI systems?")
    article_26 = [c for c in answer["citations"] if c["anchor"].startswith("art-26")]
    assert article_26
    terms = {d["term"] for c in article_26 for d in c["definitions"]}
    assert "deployer" in terms or "deployers" in terms, terms
    definition = next(d for c in article_26 for d in c["definitions"])
    assert definition["anchor"].startswith("art-3.pt-") and definition["label"].startswith("Article 3")
    assert any(c["references"] for c in answer["citations"])
    for link in (r for c in answer["citations"] for r in c["references"]):
        assert client.get(f"/api/passages/{link['anchor']}").status_code == 200


def test_a_definition_question_cites_the_definition_first(client):
    answer = ask(client, "What is a deployer?")
    assert answer["citations"][0]["anchor"] == "art-3.pt-4"


def test_guidance_is_labelled_guidance_and_never_the_law(client):
    answer = ask(
        client,
        "According to the Commission guidelines on prohibited practices, is emotion recognition in the workplace banned?",
    )
    guidance = [c for c in answer["citations"] if c["authority"] == "guidance"]
    assert guidance, answer["text"]
    for citation in guidance:
        line = next(line for line in answer["text"].splitlines() if f"[{citation['number']}]" in line)
        assert "not binding" in line
    if any(c["authority"] == "binding" for c in answer["citations"]):
        assert any("Commission guidance, which is not binding" in note for note in answer["notes"])
