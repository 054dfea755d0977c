"""The Act's own words for what firms call things in their own.

Firms ask about "chatbots", "deepfakes", "whistleblowers" and "fines"; the Act speaks of
"AI systems intended to interact directly with natural persons", "deep fakes", "reporting
persons" and "administrative fines". A lexical index finds the provision only in the Act's
words, and a small embedding model often misses the link too. Each entry adds the Act's
wording to the search when a question uses the everyday one; the question itself is kept.

Reviewed against the consolidated text: every added phrase is worded as the Act words it.
"""

from __future__ import annotations

import re

_ALL_RIGHT = "is it be am are was it's that's sounds seems looks perfectly totally just all".split()
# A fine, not "fine": "… is fine under the AI Act, isn't it?" says all right; nor "fine-tune".
FINES = r"\b(fines|fined)\b|" + "".join(rf"(?<!\b{word} )" for word in _ALL_RIGHT) + r"\bfine\b(?![- ]?tun)"

_ENTRIES: tuple[tuple[str, str], ...] = (
    (r"chat ?bots?|virtual assistants?|conversational (ai|agents?|assistants?)|\b(support|service|help ?desk|customer|website|ai) bots?\b"
     r"|\bchatting with\b",
     "AI systems intended to interact directly with natural persons informed that they are interacting with an AI system"),
    (r"deep ?fakes?|fake (videos?|images?|audio|voices?)|synthetic (videos?|images?|audio|voices?)"
     r"|\bai[- ]generated (photos?|images?|pictures?|videos?)",
     "deep fake image, audio or video content artificially generated or manipulated disclose"),
    (r"watermark\w*|label(l?ing)? (ai[- ])?generated|mark(ing)? (synthetic|generated|ai)",
     "outputs marked in a machine-readable format and detectable as artificially generated or manipulated"),
    (r"whistle ?-?blow\w*|blows? the whistle",
     "reporting of infringements and protection of reporting persons Directive (EU) 2019/1937"),
    (r"\bcomplain\w*", "right to lodge a complaint with a market surveillance authority"),
    (r"\bexplanation\b|\bexplain (the|a|its|their) decision|why (the|a) decision",
     "right to explanation of individual decision-making"),
    (rf"{FINES}|\bpenalt\w+|\bsanction\w*", "penalties administrative fines"),
    (r"\b(start-?ups?|small (companies|company|firms?|businesses))\b", "SMEs, including start-ups"),
    # The stemmer reads "simplifying" and "simplification" as two words.
    (r"\bsimplif(y|ying|ies|ied)\b", "simplified simplification"),
    (r"(someone|somebody|representative|presence|contact) in the (eu|union)|no (eu |union )?establishment"
     r"|established (outside|in a third country)",
     "authorised representative established in the Union provider established in a third country"),
    (r"\bhuman in the loop\b|\boverrid\w+|\bstop button\b|\bintervene\b", "human oversight"),
    (r"\blog(s|ging)?\b|audit trail", "automatically generated logs record-keeping"),
    (r"\bhack\w*|\badversarial\b|\bcyber ?attacks?\b|\bpoisoning\b", "accuracy, robustness and cybersecurity"),
    (r"\bvoluntar\w+|\bcodes? of conduct\b|\bgo beyond\b", "codes of conduct for voluntary application of specific requirements"),
    (r"\bopen[- ](source|weights?)\b", "free and open-source licence"),
    (r"\b(accident|malfunction\w*|incident)\b", "serious incident reporting"),
    (r"\bwithdraw\w*|\brecall\w*", "corrective actions withdraw recall"),
    (r"\bce mark\w*", "CE marking"),
    (r"\b(third[- ]party|external) (assessment|audit|certification)|\bcertif\w+",
     "conformity assessment involving a notified body"),
    (r"\breal[- ]world (test\w*|trial\w*|pilot\w*)|\bfield (tests?|trials?)|\bpilot (project|test)",
     "testing of high-risk AI systems in real world conditions outside AI regulatory sandboxes"),
    (r"\b(train(ing)?|educat\w+|upskill\w*) (our |the |its )?(staff|employees|workers|people)", "AI literacy"),
    (r"\bmoods?\b|\bfeelings?\b|\bsentiments?\b|\bfacial expressions?\b|\bfrustrat\w+|\bangry\b|\banger\b",
     "infer emotions emotion recognition"),
    (r"\bsocial (scor\w+|credit)|\b(civic|citizen|trust(worthiness)?) scor\w+", "evaluation or classification of natural persons based on their social behaviour"),
    (r"\bpredictive policing|\bpredict\w* (crime|criminal|offen\w+|reoffend\w*)",
     "risk assessments of natural persons to predict the risk of a natural person committing a criminal offence"),
    (r"\bscrap\w+", "untargeted scraping of facial images from the internet or CCTV footage"),
    (r"\bnud(e|es|ity|ify|ifying)\b|\bundress\w*|\bintimate (images?|photos?|pictures?)|\bsexually explicit",
     "realistic images of an identifiable natural person's intimate parts sexually explicit activities without consent"),
    (r"\bbans?\b|\bbanned\b", "prohibited AI practices"),
    (r"\bkeep\w* (the |our |its )?(technical )?documentation\b|\bdocumentation\b.{0,30}\bhow long\b",
     "documentation keeping at the disposal of the national competent authorities for a period ending 10 years"),
    (r"\bdark patterns?|\bsubliminal|\bmanipulat\w+", "subliminal techniques or purposefully manipulative or deceptive techniques"),
    (r"\b(face|facial) recognition|\bface (match\w*|search)", "remote biometric identification system"),
    (r"\b(foundation models?|llms?|large language models?)\b", "general-purpose AI model"),
    (r"\bflops?\b|floating[- ]point|\bcompute\b|\bfrontier\b", "cumulative amount of computation used for training floating point operations high-impact capabilities"),
    (r"\bcopyright\w*", "policy to comply with Union law on copyright and related rights"),
    (r"\b(impact assessment|fria)\b", "fundamental rights impact assessment"),
    (r"\bwho (enforces|supervises|polices|oversees|regulates)\b|\bwhich (regulator|watchdog)\b",
     "national competent authorities market surveillance authority single point of contact"),
    (r"\b(uk|british|united kingdom|us|american|swiss|chinese|indian|japanese|canadian|foreign|non-eu)"
     r" (companies|company|firms?|providers?|businesses|developers?)\b|\boutside the (eu|union)\b",
     "providers placing on the market in the Union irrespective of whether established in a third country "
     "output produced by the AI system is used in the Union"),
    (r"\b(tell|inform|notify)\b.{0,30}\b(candidates|applicants|employees|workers|staff|people|persons|individuals"
     r"|customers|users|patients|students|tenants|borrowers|clients)\b",
     "inform the natural persons that they are subject to the use"),
    (r"\bregist\w*\b.{0,40}\b(eu|union) database|\b(eu|union) database\b.{0,40}\bregist\w*",
     "before placing on the market or putting into service register themselves and their system in the EU database"),
    (r"\b(internal(ly)?|in-house|in house) (use|tools?|systems?|only)|\b(use|used|using) (it |them )?(only )?internally"
     r"|\bown (internal )?use\b|\bnever (sell|sold|licen[cs]e)",
     "putting into service supply of an AI system for own use"),
)  # fmt: skip

_PATTERNS = tuple((re.compile(pattern, re.IGNORECASE), words) for pattern, words in _ENTRIES)


def in_the_acts_words(question: str) -> str:
    """The Act's wording for the everyday terms the question uses ("" when it uses none)."""
    return " ".join(words for pattern, words in _PATTERNS if pattern.search(question))
