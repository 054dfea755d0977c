"""Small pieces of wording the composer puts the law's words into."""

from __future__ import annotations

import re
from collections.abc import Sequence

from desk.index.lexical import tokens  # the BM25 index's words: its stems, no stop words
from desk.statements import item_body, statements
from desk.types import Provision


def sentences_of(text: str) -> list[str]:
    """A text's sentences on one line each ("… provider. It shall …"; not after a list number)."""
    return _SENTENCE_BREAK.split(" ".join(text.split()))


def first_sentence(text: str) -> str:
    """A statement's first sentence (an item may hold several): '… provider. It shall …' -> '… provider'."""
    return as_part(re.split(r"(?<!\b\d\.)(?<=[.])\s+(?=[A-Z])", " ".join(text.split()))[0])


_SENTENCE_BREAK = re.compile(r"(?<!\b\d\.)(?<=[.])\s+(?=[A-Z])")
# A sentence that leans on the one before ("It shall …") does not stand on its own in a lead.
_LEANS_BACK = re.compile(
    r"^(It|They|This(?! Regulation)|That|These|Those|Such|The latter|The former"
    r"|The (first|second|third|preceding) (sub)?paragraph|(For|To) (this|that|those|these) (purposes?|end)"
    r"|In (that|this|such|those|these) (case|cases|event|situation)|Where (that|this|such)|In addition)\b",
    re.I,
)
_ASKS_HOW_LONG = re.compile(
    r"\bhow (long|soon|quickly)\b|\bwithin (what|which|how)\b|\btime limits?\b"
    r"|\bdeadlines?\b|\bretention\b|\bkeep\b[^?]{0,40}\bfor\b"
)
DURATION = re.compile(
    r"\b(\d+|one|two|three|four|five|six|seven|ten|fifteen|thirty)\s+"
    r"(working\s+)?(days?|weeks?|months?|years?|hours?)\b",
    re.I,
)


def sentence_for(text: str, question: str) -> str:
    """The sentence of a statement that answers the question best: the first, unless a later
    one that stands on its own shares more of the question's words, or gives the time limit a
    "how long" question asks for ("… shall be kept … of at least six months")."""
    return best_sentence(sentences_of(text), question)


def best_sentence(sentences: list[str], question: str) -> str:
    if len(sentences) == 1:
        return as_part(sentences[0])
    asked = set(tokens([question])[0])
    how_long = asks_how_long(question)

    def score(index: int) -> tuple[int, int, int]:
        sentence = sentences[index]
        timed = int(how_long and states_a_duration(sentence))
        return timed, len(asked & set(tokens([sentence])[0])), -index

    standing = [i for i in range(len(sentences)) if i == 0 or stands_alone(sentences[i])]
    return as_part(sentences[max(standing, key=score)])


def asks_how_long(question: str) -> bool:
    return bool(_ASKS_HOW_LONG.search(question.lower()))


def states_a_duration(text: str) -> bool:
    return bool(DURATION.search(text))


def stands_alone(sentence: str) -> bool:
    """Whether a sentence can be read without the one before it ("This paragraph shall be
    without prejudice to …" cannot; "This Regulation does not apply to …" can)."""
    return not _LEANS_BACK.match(sentence.strip())


_MARKERS = re.compile(r"\[\d+\]")
_SHORT_SENTENCE = 12  # words: a sentence this short repeats one whose words hold all of its own


def repeats(text: str, earlier: Sequence[str]) -> bool:
    """Whether a sentence says again what one of `earlier` said: a short one, all of whose
    words that one holds ("Regulation (EU) 2026/1744 deleted Article 10(5)" after "Article 10(5)
    no longer applies: Regulation (EU) 2026/1744 deleted it"); a longer one, word for word (the
    amending act's words for a paragraph after the paragraph). A paragraph before and after
    its amendment differ in a few words, and both are said."""
    words = _words(text)
    for said in earlier:
        their = _words(said)
        if len(words) <= _SHORT_SENTENCE and set(words) <= set(their):
            return True
        if len(words) > _SHORT_SENTENCE and f" {' '.join(words)} " in f" {' '.join(their)} ":
            return True
    return False


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", _MARKERS.sub(" ", text).lower())


def as_part(text: str) -> str:
    """A statement as part of a sentence: one line, without its closing punctuation (nor the
    closing quote of the amending act's inserted text, "… common objectives.’")."""
    text = " ".join(text.split())
    if text.endswith("’") and text.count("’") > text.count("‘"):
        text = text[:-1]
    return re.sub(r"[\s;:,.]+(?:and|or)?\s*$", "", text).rstrip(" ;:,.")


def own_item(provision: Provision) -> str:
    """A point's own words, without its number: 'AI systems intended to be used for …'."""
    items = [s for s in statements(provision.text) if s.lead_in]
    body = item_body(items[0]) if items else as_part(provision.text)
    # "2. Critical infrastructure: AI systems intended …": the area's name is not the use.
    return re.sub(r"^[A-Z][^:;]{2,80}:\s+(?=AI systems)", "", body)


def first_words(item: str) -> str:
    """An item up to its first comma or semicolon, marked as cut where it was: a list's items
    named in a lead, each quoted whole below it."""
    cut = re.split(r"[,;]\s", item, maxsplit=1)[0].rstrip(" ,;.")
    return cut if cut == item.rstrip(" ,;.") else f"{cut} …"


_AREA = re.compile(r"^(?:\d+\.\s*)?([^:\n]{3,160}):")


def area_name(point: Provision) -> str | None:
    """An annex point's area, the words before its colon: 'Education and vocational training'."""
    found = _AREA.match(point.text.strip())
    return found.group(1).strip() if found else None


def after_comma(sentence: str) -> str:
    """'By derogation from paragraph 2, an AI system …' -> 'an AI system …'."""
    text = as_part(sentence)
    head, comma, rest = text.partition(", ")
    return rest if comma and len(head.split()) <= 6 else text


def and_(items: Sequence[str]) -> str:
    """'a, b and c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"


def listing(parts: list[str], kind: str) -> str:
    """'(a) to (h), (ba) and (bb)'; '1 to 8 and 1a': runs of the plain sequence, then the rest."""
    plain = [p for p in parts if p.isdigit() or (len(p) == 1 and p.isalpha())]
    inserted = [p for p in parts if p not in plain]
    shown = (lambda p: f"({p})") if kind == "pt" else (lambda p: p)
    runs: list[str] = []
    start = previous = None
    for part in [*plain, None]:
        if previous is not None and part is not None and _next(previous) == part:
            previous = part
            continue
        if start is not None:
            if start == previous:
                runs.append(shown(start))
            elif _next(start) == previous:  # "(a) and (b)", not "(a) to (b)"
                runs += [shown(start), shown(previous)]
            else:
                runs.append(f"{shown(start)} to {shown(previous)}")
        start = previous = part
    return and_(runs + [shown(p) for p in inserted])


def _next(part: str) -> str:
    return str(int(part) + 1) if part.isdigit() else chr(ord(part) + 1)
