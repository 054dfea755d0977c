"""A sweeping claim about the law that the law's own words narrow: read from the question,
checked against the statement the lead quotes, said first. A true claim, or one only an
exception qualifies, is left alone."""

from __future__ import annotations

import pytest

from desk.answering.lead.claims import binds_another, narrows, premise, swept
from desk.answering.lead.figures import CORRECTION
from tests.conftest import ask

FRIA = (
    "Under Article 27(1), prior to deploying a high-risk AI system referred to in Article 6(2), deployers "
    "that are bodies governed by public law, or are private entities providing public services, shall "
    "perform an assessment of the impact on fundamental rights that the use of such system may produce [1]."
)
INFORM = (
    "Under Article 50(3), deployers of an emotion recognition system shall inform the natural persons "
    "exposed thereto of the operation of the system; this obligation shall not apply to AI systems used "
    "for emotion recognition, which are permitted by law to detect, prevent or investigate criminal "
    "offences [1]."
)


@pytest.mark.parametrize(
    ("question", "claim"),
    [
        ("Since every deployer must do a FRIA, which template do we use?", "every deployer must do a FRIA"),
        (
            "We run a warehouse. We understand that every deployer must do a FRIA. Which template?",
            "every deployer must do a FRIA",
        ),
        (
            "Every AI system needs a notified body, so which one should we use?",
            "Every AI system needs a notified body",
        ),
        # The asker's own case is a fact, not a claim about the law.
        ("Since we use a high-risk system, what must we do?", None),
        ("What must every deployer do?", None),
    ],
)
def test_the_claim_a_question_takes_as_given_is_read(question, claim):
    assert premise(question) == claim


@pytest.mark.parametrize(
    ("claim", "words"),
    [
        ("every deployer of high-risk AI must do an assessment", ["deployer"]),
        ("everyone has a right to an explanation of any AI decision", ["person", "decision"]),
        ("open-weight models are fully exempt from the AI Act", ["open-weight", "models"]),
        ("the AI Act bans all facial recognition", ["facial", "recognition"]),
        ("providers must register high-risk systems", []),
    ],
)
def test_what_a_claim_sweeps_over_is_read(claim, words):
    assert swept(claim) == words


def test_a_statement_whose_subject_is_narrower_than_the_claims_narrows_it():
    claim = "every deployer of high-risk AI must do a fundamental rights impact assessment"
    assert narrows(FRIA, claim, swept(claim))


def test_an_exception_to_the_rule_a_claim_states_does_not_narrow_it():
    # "any deployer … must inform" is what Article 50(3) says; its law-enforcement exception
    # does not make the claim wrong.
    claim = "any deployer of an emotion recognition system must inform the people exposed to it"
    assert not narrows(INFORM, claim, swept(claim))


def test_a_statement_about_something_else_does_not_narrow_a_claim():
    claim = "every provider must keep technical documentation"
    assert not narrows(FRIA, claim, swept(claim))


@pytest.mark.corpus
def test_a_sweeping_premise_is_corrected_through_the_api(corpus_client):
    answer = ask(
        corpus_client,
        "We run a private warehouse business and understand that every deployer of high-risk AI must do a "
        "fundamental rights impact assessment. Which template should we use?",
    )
    assert answer["lead"].startswith(f"{CORRECTION}: under Article 27(1)")
    assert "bodies governed by public law" in answer["lead"]


@pytest.mark.corpus
@pytest.mark.parametrize(
    "question",
    [
        "Since all providers of GPAI models must publish a training-content summary, what must it include?",
        "Since every provider of a high-risk AI system needs a quality management system, what must ours cover?",
        "Since any deployer of an emotion recognition system must inform the people exposed to it, how do we tell "
        "our call-centre customers?",
        # Article 50(1) binds providers alone; Article 50(4) on published text is another rule.
        "Since transparency for chatbots is only an obligation of providers, what must deployers do?",
    ],
)
def test_a_true_premise_is_not_corrected(corpus_client, question):
    assert not ask(corpus_client, question)["lead"].startswith(CORRECTION)


@pytest.mark.corpus
def test_a_duty_claimed_deleted_that_the_law_in_force_still_sets_is_answered_yes(corpus_client):
    answer = ask(
        corpus_client,
        "Since the Omnibus removed the registration duty for high-risk systems, do we still need to register "
        "our Annex III system?",
    )
    assert answer["lead"].startswith("Yes: Under Article 49(1)")


@pytest.mark.corpus
def test_a_question_on_who_after_a_claimed_deletion_gets_no_yes(corpus_client):
    answer = ask(
        corpus_client, "Since the Omnibus abolished the AI Office, who still supervises GPAI models?"
    )
    assert not answer["lead"].startswith("Yes")


@pytest.mark.corpus
def test_a_provision_the_omnibus_did_delete_leaves_the_claim_standing(corpus_client):
    answer = ask(
        corpus_client,
        "Since the Omnibus deleted Article 10(5), is there still a basis for bias-testing data?",
    )
    assert answer["lead"].startswith("Article 10(5) no longer applies")


def test_a_rule_said_to_bind_one_operator_only_is_shown_wrong_by_one_binding_another():
    claim = "Deep fake labelling is only a duty for the tool provider"
    deployers = (
        "Under Article 50(4), deployers of an AI system that generates or manipulates image, audio or video "
        "content constituting a deep fake, shall disclose that the content has been artificially generated [1]."
    )
    assert binds_another(deployers, claim)
    providers = "Under Article 50(2), providers of AI systems generating synthetic video shall mark deep fake outputs [1]."
    assert not binds_another(providers, claim)


@pytest.mark.corpus
def test_a_duty_said_to_bind_the_provider_only_is_corrected_through_the_api(corpus_client):
    answer = ask(
        corpus_client,
        "Labelling deep fakes is only a duty for the tool provider, so as a brand publishing AI-generated "
        "video ads we don't have to disclose anything, correct?",
    )
    assert answer["lead"].startswith(f"{CORRECTION}: under Article 50(4), deployers")


@pytest.mark.corpus
def test_a_question_saying_a_practice_is_fine_gets_the_bans_verdict(corpus_client):
    answer = ask(
        corpus_client,
        "Our staff agreed in writing, so using emotion recognition on them at the office is fine under the AI "
        "Act, isn't it?",
    )
    assert answer["lead"].startswith("No: Article 5(1)(f)")
