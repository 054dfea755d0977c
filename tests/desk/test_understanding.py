"""What a question asks: its kinds, its subject, the provisions it names that do not exist,
and whether it leans on the turn before. Table-driven, on the question's words alone."""

from __future__ import annotations

import pytest

from desk.understanding import Kind, read_question

KNOWN = frozenset(
    {
        "art-5",
        "art-5.par-1",
        "art-5.par-1.pt-f",
        "art-6",
        "art-6.par-2",
        "art-27",
        "art-99",
        "art-113",
        "rct-44",
    }
    | {f"art-{n}" for n in range(1, 114)}
    | {f"rct-{n}" for n in range(1, 181)}
    | {"anx-III", "anx-XIV"}
)


@pytest.mark.parametrize(
    ("question", "first_kind"),
    [
        ("When do the GPAI obligations apply?", Kind.WHEN),
        ("GPAI deadline?", Kind.WHEN),
        ("Is our CV-screening tool high-risk?", Kind.HIGH_RISK),
        ("Is emotion recognition at work allowed?", Kind.ALLOWED),
        ("What are the fines?", Kind.HOW_MUCH),
        ("What is a deployer?", Kind.WHAT_IS),
        ("What must we do as a deployer?", Kind.DUTIES),
        ("What did the Digital Omnibus change in Article 4?", Kind.CHANGED),
        ("What does Article 27 say?", Kind.PROVISION),
        ("How many AI Gigafactories does the action plan aim for?", Kind.POLICY),
        # The last question decides: the library fines are the setting, not what is asked.
        (
            "A council scores residents on unpaid library fines and noise complaints. Is that allowed?",
            Kind.ALLOWED,
        ),
    ],
)
def test_the_kind_asked_comes_first(question, first_kind):
    assert read_question(question).kind is first_kind


def test_fine_tuning_is_not_a_fine():
    assert Kind.HOW_MUCH not in read_question("Do we become a provider if we fine-tune a model?").kinds


@pytest.mark.parametrize(
    "question",
    [
        "Our staff consented, so running emotion recognition on them is fine under the AI Act, isn't it?",
        "Is it fine to use a chatbot without telling users?",
        "That's fine for a pilot, right?",
    ],
)
def test_fine_meaning_all_right_is_not_a_fine(question):
    assert Kind.HOW_MUCH not in read_question(question).kinds


@pytest.mark.parametrize(
    "question", ["What fine applies to a GPAI provider?", "Can we be fined?", "Is the maximum fine EUR 35m?"]
)
def test_a_fine_is_still_a_fine(question):
    assert Kind.HOW_MUCH in read_question(question).kinds


def test_high_risk_as_an_adjective_is_not_a_classification_question():
    reading = read_question("Is there a way to show we voluntarily follow the high-risk requirements?")
    assert Kind.HIGH_RISK not in reading.kinds


@pytest.mark.parametrize(
    ("question", "label", "nearest"),
    [
        ("What does Article 999 say?", "Article 999", None),
        ("What does Article 114 require from deployers?", "Article 114", None),
        ("Is Recital 181 binding?", "Recital 181", None),
        ("Which practices does Article 5(1)(z) ban?", "Article 5(1)(z)", "art-5.par-1"),
    ],
)
def test_a_provision_the_law_does_not_have_is_a_false_premise(question, label, nearest):
    reading = read_question(question, KNOWN)
    assert [m.label for m in reading.missing] == [label]
    assert reading.missing[0].nearest == nearest


def test_provisions_that_exist_are_named_not_missing():
    reading = read_question("How do Article 5(1)(f) and Recital 44 relate?", KNOWN)
    assert reading.named == ("art-5.par-1.pt-f", "rct-44") and not reading.missing


@pytest.mark.parametrize(
    ("question", "elliptical"),
    [
        ("and for deployers?", True),
        ("What about Article 27?", True),
        ("When does it apply?", True),
        ("Does this also cover importers?", True),
        # Questions that stand on their own are answered on their own.
        ("Is emotion recognition at work allowed?", False),
        ("What are the obligations of deployers of high-risk AI systems?", False),
        ("What are the fines?", False),
    ],
)
def test_only_an_elliptical_follow_up_leans_on_the_conversation(question, elliptical):
    assert read_question(question, history=True).elliptical is elliptical
    assert read_question(question, history=False).elliptical is False


def test_subjects():
    reading = read_question("Is a customer-service chatbot high-risk?")
    assert reading.transparency and reading.use is None
    assert read_question("Is our CV screening tool high-risk?").use == "anx-III.pt-4.pt-a"
    assert read_question("When do obligations for foundation models apply?").gpai


@pytest.mark.parametrize(
    ("question", "regime"),
    [
        ("What is the maximum GDPR fine?", "GDPR"),
        ("When did the GDPR start to apply?", "GDPR"),
        ("Does ISO/IEC 42001 certification prove compliance?", "ISO/IEC 42001"),
        ("Does the Colorado AI Act require impact assessments?", "Colorado AI Act"),
    ],
)
def test_another_law_is_recognised_by_name(question, regime):
    found = read_question(question).regime
    assert found is not None and regime in found.named_in(question)


def test_another_law_in_the_setting_only_is_not_the_question():
    question = (
        "We run a QMS under the Medical Devices Regulation. Is the Commission going to publish guidance "
        "on how AI risk management fits in?"
    )
    assert read_question(question).regime is None


@pytest.mark.parametrize(
    ("question", "not_asked", "asked"),
    [
        # The setting says what the asker does; only the sentence that asks decides the kind.
        (
            "We deploy a customer-service AI that is not high-risk. Can we process religious data "
            "to check it for bias?",
            Kind.HIGH_RISK,
            None,
        ),
        ("What are our obligations for a high-risk AI system?", Kind.HIGH_RISK, Kind.DUTIES),
        ("Could our model still be classified as having systemic risk?", Kind.HIGH_RISK, None),
        ("What are our reporting deadlines for a serious incident?", Kind.WHEN, None),
    ],
)
def test_what_is_asked_is_read_from_the_asking_sentence(question, not_asked, asked):
    kinds = read_question(question).kinds
    assert not_asked not in kinds
    assert asked is None or asked in kinds


def test_loan_applicants_are_a_credit_use_not_recruitment():
    reading = read_question("Our creditworthiness tool profiles loan applicants. Is it high-risk?")
    assert reading.use == "anx-III.pt-5.pt-b"
    assert read_question("We screen job applicants with AI. Is it high-risk?").use == "anx-III.pt-4.pt-a"
