"""The routing table against the law in force: each anchor exists and says what the table
takes it to say; and what each kind of question is routed to."""

from __future__ import annotations

import pytest

from desk import routing
from desk.understanding import read_question

pytestmark = pytest.mark.corpus

# What each provision the table names must say, in the consolidated text's own words.
SAYS = {
    routing.FINE_TIERS["prohibited"]: "prohibition of the AI practices referred to in Article 5",
    routing.FINE_TIERS["other"]: "any of the following provisions",
    routing.FINE_TIERS["information"]: "incorrect, incomplete or misleading information",
    routing.FINE_TIERS["sme"]: "SMEs",
    routing.FINE_TIERS["smc"]: "SMCs",
    routing.FINE_TIERS["gpai"]: "providers of general-purpose AI models",
    routing.FINE_TIERS["union"]: "Article 5",
    routing.HIGH_RISK_BY_PRODUCT: "Annex I",
    routing.HIGH_RISK_BY_USE: "Annex III",
    routing.HIGH_RISK_EXCEPTION: "By derogation from paragraph 2",
    routing.TRANSPARENCY_DUTIES[0]: "interact directly with natural persons",
    routing.TRANSPARENCY_DUTIES[1]: "synthetic audio, image, video or text content",
    routing.TRANSPARENCY_DUTIES[2]: "deep fake",
    # What a question asks about, whatever its kind (routing.governed_subjects).
    "art-26.par-11": "shall inform the natural persons that they are subject to the use",
    "art-26.par-7": "shall inform workers’ representatives and the affected workers",
    "art-49.par-1": "shall register themselves and their system in the EU database",
    "art-70.par-1": "at least one market surveillance authority",
    "art-3.pt-11": "for own use",
    "art-27.par-1": "deployers that are bodies governed by public law",
}


def test_the_subjects_table_names_only_anchors_checked_above():
    named = {a for _, anchors in routing._GOVERNED_SUBJECTS for a in anchors}
    assert named <= set(SAYS)


@pytest.fixture(scope="module")
def index(corpus_settings):
    from desk.index import LoadedIndex

    return LoadedIndex.open(corpus_settings)


@pytest.mark.parametrize(("anchor", "words"), sorted(SAYS.items()))
def test_each_anchor_says_what_the_table_takes_it_to_say(index, anchor, words):
    provision = index.provision(anchor)
    assert provision is not None and provision.source_id == "ai-act-consolidated", anchor
    assert words in " ".join(provision.text.split()), (anchor, provision.text[:200])


def test_article_100_is_the_union_institutions_article(index):
    assert "Union institutions" in index.provision(routing.UNION_FINES).heading_path[-1]


@pytest.mark.parametrize(
    ("question", "first", "avoided"),
    [
        ("What are the fines?", ["art-99.par-3", "art-99.par-4"], ["art-100"]),
        ("What fines apply to a GPAI provider?", ["art-101.par-1"], ["art-100"]),
        ("We are an EU agency: what fines can we get for a prohibited practice?", ["art-100.par-2"], []),
        (
            "Would an EU agency be fined less for a prohibited practice?",
            ["art-99.par-3", "art-100.par-2"],
            [],
        ),
        (
            "We are a small mid-cap: what is the most we can be fined?",
            ["art-99.par-6a", "art-99.par-3", "art-99.par-4"],  # its own cap first
            ["art-100"],
        ),
        ("Is our customer-service chatbot high-risk?", ["art-50.par-1", "art-6.par-2"], ["art-5"]),
        ("Is an AI safety component in a lift high-risk?", ["art-6.par-1"], []),
        # The setting's words route nothing: what is asked is when, not how much.
        ("The penalty rules worry us. Which bits applied from 2 August 2025?", [], []),
        # Who must assess fundamental rights: Article 27(1); reusing a DPIA is Article 27(4)'s.
        ("Does our logistics company need a fundamental rights impact assessment?", ["art-27.par-1"], []),
        ("Can our DPIA count towards the fundamental rights impact assessment?", [], []),
    ],
)
def test_each_kind_is_routed_to_what_governs_it(question, first, avoided):
    reading = read_question(question)
    assert routing.governing(reading) == first
    assert routing.avoided(reading) == avoided
