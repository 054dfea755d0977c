"""Who is asking: roles read from questions, and the duty provisions they call for."""

from __future__ import annotations

import pytest

from desk.roles import ROLE_DUTIES, ROLE_SWITCH_ANCHOR, read_role
from desk.types import Role


@pytest.mark.parametrize(
    ("question", "role"),
    [
        ("We use a CV-screening tool we bought. What must we do?", Role.DEPLOYER),
        ("As a deployer of a high-risk AI system, what are my obligations?", Role.DEPLOYER),
        (
            "We develop an AI system for credit scoring and sell it to banks. What do we have to do?",
            Role.PROVIDER,
        ),
        ("What are the obligations of providers of high-risk AI systems?", Role.PROVIDER),
        ("We import AI systems from the US into the EU: what must we check?", Role.IMPORTER),
        ("We resell high-risk AI systems. What are our duties?", Role.DISTRIBUTOR),
        ("What must an authorised representative do?", Role.AUTHORISED_REPRESENTATIVE),
        ("We train a general-purpose AI model. What must we do?", Role.GPAI_PROVIDER),
        (
            "What must providers of general-purpose AI models with systemic risk do?",
            Role.GPAI_SYSTEMIC_PROVIDER,
        ),
        (
            "We manufacture machinery with an AI safety component. What are our obligations?",
            Role.PRODUCT_MANUFACTURER,
        ),
        # The organisation named instead of "we"; a role asked in the third person.
        ("Our bank deploys a credit scoring AI. What do we have to do before using it?", Role.DEPLOYER),
        ("Our HR department uses a CV-screening tool. What must we do?", Role.DEPLOYER),
        ("What documentation must a GPAI provider keep?", Role.GPAI_PROVIDER),
    ],
)
def test_the_role_is_read_from_the_question(question, role):
    reading = read_role(question)
    assert reading.role is role
    assert reading.about_duties
    assert ROLE_DUTIES[role][0] in reading.duty_anchors()


def test_the_question_outranks_the_picker_and_the_picker_outranks_history():
    assert read_role("As a deployer, what must I do?", given=Role.PROVIDER).role is Role.DEPLOYER
    assert (
        read_role("What must we do?", given=Role.IMPORTER, earlier=["We use a chatbot."]).role
        is Role.IMPORTER
    )
    assert read_role("What must we do?", earlier=["We use a chatbot."]).role is Role.DEPLOYER


def test_a_duty_question_without_a_role_asks_back():
    reading = read_role("What are our obligations under the AI Act for a high-risk system?")
    assert reading.needs_role and reading.role is None
    # No role's duties are weighed first on a guess.
    assert reading.duty_anchors() == []


def test_a_question_naming_two_roles_compares_them_without_asking_back():
    reading = read_role("How do the obligations of deployers differ from those of providers?")
    assert reading.role is None and not reading.needs_role
    assert set(reading.mentioned) == {Role.PROVIDER, Role.DEPLOYER}


def test_a_question_that_is_not_about_duties_needs_no_role():
    reading = read_role("What is an AI system?")
    assert not reading.about_duties and not reading.needs_role and reading.duty_anchors() == []


@pytest.mark.parametrize(
    "question",
    [
        "We put our own brand on a high-risk AI system we buy from a vendor. Are we still just a deployer?",
        "If we substantially modify a high-risk AI system we deploy, what happens?",
        "We changed the intended purpose of a chatbot so that it screens job applicants. Who is the provider now?",
    ],
)
def test_an_article_25_role_switch_is_recognised(question):
    reading = read_role(question)
    assert reading.role_switch
    assert reading.duty_anchors()[0] == ROLE_SWITCH_ANCHOR


# What the heading of each role's main duty provision says, in the consolidated text.
_HEADED = {
    Role.PROVIDER: "Obligations of providers of high-risk AI systems",
    Role.DEPLOYER: "Obligations of deployers of high-risk AI systems",
    Role.IMPORTER: "Obligations of importers",
    Role.DISTRIBUTOR: "Obligations of distributors",
    Role.AUTHORISED_REPRESENTATIVE: "Authorised representatives of providers of high-risk AI systems",
    Role.PRODUCT_MANUFACTURER: "Responsibilities along the AI value chain",
    Role.GPAI_PROVIDER: "Obligations for providers of general-purpose AI models",
    Role.GPAI_SYSTEMIC_PROVIDER: "Obligations of providers of general-purpose AI models with systemic risk",
}


@pytest.mark.corpus
def test_the_duty_table_matches_the_law_in_force(corpus_settings):
    from desk.index import LoadedIndex

    index = LoadedIndex.open(corpus_settings)
    for role, anchors in ROLE_DUTIES.items():
        for anchor in anchors:
            provision = index.provision(anchor)
            assert provision is not None and provision.source_id == "ai-act-consolidated", anchor
        main = index.provision(anchors[0])
        assert _HEADED[role] in " ".join(main.heading_path), (role, main.heading_path)
    assert index.provision(ROLE_SWITCH_ANCHOR).text.startswith(
        "Any distributor, importer, deployer or other third-party shall be considered to be a provider"
    )


def test_a_system_that_uses_something_is_not_a_deployer():
    assert read_role("Our model uses lots of data. What must we do?").role is None
    assert read_role("What documentation must a GPAI provider keep?").about_duties
