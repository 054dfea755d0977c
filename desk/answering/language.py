"""The language a question is written in, and the few sentences the desk says in it.

The desk answers from the English texts of the law, in English. A question in German or
French is still answered (its AI Act words, "KI", "Hochrisiko", "Artikel 6", carry it), with a
note saying so in the asker's language; a decline is said in the asker's language too. Told
apart by their most common words: enough for a question of a dozen words.
"""

from __future__ import annotations

import re

_COMMON_WORDS = {
    "de": "der die das und ist sind wir unser unsere ein eine einen für mit nicht auf wie was wann welche müssen muss"
    " dürfen darf gilt gelten oder auch bei von zu im den dem des es ich",
    "fr": "le la les et est sont nous notre nos un une des pour avec pas sur comment quand quelles quel quelle doit"
    " doivent peut-on est-ce il elle du au aux ce cette qui que",
    "es": "el la los las y es son nosotros nuestro nuestra un una para con no sobre como cuando cuál qué debe deben"
    " del al este esta que se",
    "it": "il lo la gli le e è sono noi nostro nostra un una per con non su come quando quale quali deve devono"
    " del della al questo questa che si",
    "nl": "de het een en is zijn wij we ons onze voor met niet op hoe wanneer welke moet moeten mag van te dit deze",
}
_WORDS = {language: frozenset(words.split()) for language, words in _COMMON_WORDS.items()}
_ENGLISH = frozenset(
    "the and is are we our a an for with not on how when which what must may of to in this that it do does".split()
)

NOTE_ENGLISH_ONLY = {
    "de": "Der Service Desk antwortet auf Englisch, aus den englischen Fassungen der Texte.",
    "fr": "Le service répond en anglais, à partir des versions anglaises des textes.",
    "es": "El servicio responde en inglés, a partir de las versiones inglesas de los textos.",
    "it": "Il servizio risponde in inglese, dalle versioni inglesi dei testi.",
    "nl": "De servicedesk antwoordt in het Engels, op basis van de Engelse teksten.",
}
UNRELATED = {
    "en": "This desk answers questions about the EU AI Act from its official texts; this question is about "
    "something else, so it cannot answer it. If it concerns the AI Act, name the AI system or the provision.",
    "de": "Dieser Service Desk beantwortet Fragen zur KI-Verordnung der EU aus ihren amtlichen Texten; diese "
    "Frage betrifft etwas anderes. Wenn sie die KI-Verordnung betrifft, nennen Sie das KI-System oder die Vorschrift.",
    "fr": "Ce service répond aux questions sur le règlement européen sur l'IA à partir de ses textes officiels ; "
    "cette question porte sur autre chose. Si elle concerne le règlement, précisez le système d'IA ou la disposition.",
    "es": "Este servicio responde preguntas sobre el Reglamento europeo de IA a partir de sus textos oficiales; "
    "esta pregunta trata de otra cosa. Si se refiere al Reglamento, indique el sistema de IA o la disposición.",
    "it": "Questo servizio risponde a domande sul regolamento europeo sull'IA dai suoi testi ufficiali; questa "
    "domanda riguarda altro. Se riguarda il regolamento, indichi il sistema di IA o la disposizione.",
    "nl": "Deze servicedesk beantwoordt vragen over de Europese AI-verordening uit de officiële teksten; deze vraag "
    "gaat over iets anders. Als ze de AI-verordening betreft, noem dan het AI-systeem of de bepaling.",
}


def language_of(question: str) -> str:
    """'en', or the language whose common words the question uses more than English ones."""
    words = re.findall(r"[a-zà-ÿß'-]+", question.lower())
    if not words:
        return "en"
    english = sum(w in _ENGLISH for w in words)
    counts = {language: sum(w in common for w in words) for language, common in _WORDS.items()}
    language, best = max(counts.items(), key=lambda item: item[1])
    return language if best >= 2 and best > english else "en"


# The Act's English words for what a German or French question calls them: searched beside
# the question, so "KI-System zur Bewerberauswahl … Hochrisiko" finds Annex III, point 4.
# A vocabulary of the Act's own terms (their official German and French renderings), not
# answers: what is found is still read from the English texts.
_GLOSSARY: tuple[tuple[str, str], ...] = (
    (
        r"\bist\b.{0,80}\bhochrisiko|\best[- ]ce\b.{0,80}\bhaut risque|\best\b.{0,80}\bà haut risque",
        "is it high-risk",
    ),
    (r"hochrisiko|haut risque|alto riesgo|alto rischio", "high-risk AI system"),
    (r"\bki[- ]?(system|systeme)\w*|système(s)? d'ia|sistema de ia|sistema di ia", "AI system"),
    (
        r"\bki[- ]?modell\w*|modèles? d'ia à usage général|ki mit allgemeinem verwendungszweck",
        "general-purpose AI model",
    ),
    (
        r"bewerb\w*|einstellung\w*|personalauswahl|recrutement|candidat\w*|selección de personal",
        "recruitment selection of natural persons job applications candidates",
    ),
    (r"verbot\w*|verboten|interdit\w*|prohibid\w*|vietat\w*", "prohibited AI practices"),
    (r"pflicht\w*|obligation\w*|obligaciones|obblighi", "obligations"),
    (r"anbieter\w*|fournisseur\w*|proveedor\w*|fornitor\w*", "provider"),
    (r"betreiber\w*|déployeur\w*|responsable del despliegue|deployer", "deployer"),
    (
        r"bu(ß|ss)geld\w*|geldbu(ß|ss)e\w*|amende\w*|sanktion\w*|multa\w*|sanzion\w*",
        "administrative fines penalties",
    ),
    (
        r"gesichtserkennung|reconnaissance faciale|reconocimiento facial|riconoscimento facciale",
        "remote biometric identification",
    ),
    (
        r"emotionserkennung|reconnaissance des émotions|reconocimiento de emociones",
        "emotion recognition infer emotions",
    ),
    (r"arbeitsplatz|lieu de travail|lugar de trabajo|luogo di lavoro", "workplace"),
    (
        r"ab wann|wann gilt|seit wann|à partir de quand|quand .{0,40}s'applique|desde cuándo",
        "from when does it apply",
    ),
    (r"transparenz\w*|transparence|transparencia|trasparenza", "transparency obligations"),
    (r"kennzeichnung|étiquetage|marquage|etiquetado", "marked disclose artificially generated"),
    (r"deepfake\w*|hypertrucage\w*", "deep fake"),
    (r"ki[- ]kompetenz|maîtrise de l'ia|alfabetización en ia", "AI literacy"),
    (r"grundrecht\w*|droits fondamentaux|derechos fundamentales", "fundamental rights impact assessment"),
    (
        r"konformitätsbewertung|évaluation de la conformité|evaluación de la conformidad",
        "conformity assessment",
    ),
    (r"einführer|importateur\w*|importador\w*|importator\w*", "importer"),
    (r"händler|distributeur\w*|distribuidor\w*|distributor\w*", "distributor"),
)
_GLOSSES = tuple((re.compile(pattern, re.IGNORECASE), words) for pattern, words in _GLOSSARY)


def in_english(question: str) -> str:
    """The Act's English words for the terms a question in another language uses."""
    return " ".join(dict.fromkeys(words for pattern, words in _GLOSSES if pattern.search(question)))


def glossed_in_english(question: str) -> str:
    """The question with the Act's English words for its terms, inside its last sentence: what a
    question asks is read from its last sentence ("Quelles sont les amendes … ?" asks the fines)."""
    words = in_english(question)
    if not words:
        return question
    stripped = question.rstrip()
    if stripped.endswith("?"):
        return f"{stripped[:-1].rstrip()} ({words})?"
    return f"{stripped} ({words})"
