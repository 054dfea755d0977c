"""The widget in a real browser: embedded with one tag on a firm's page (another origin),
talking to a real `desk serve` over the full corpus."""

from __future__ import annotations

import json
import re
import time
import uuid

import httpx
import pytest
from playwright.sync_api import Page, expect

from desk.api.conversation_access import SECRET_HEADER
from desk.review.accounts import StaffAccounts
from desk.settings import ReviewSettings
from desk.store import Store
from desk.types import Answer, Authority, Citation, Passage
from tests.conftest import save_opened

pytestmark = [pytest.mark.browser, pytest.mark.corpus, pytest.mark.slow]

ANSWER_TIMEOUT = 60_000  # ms; the first question also warms the desk up
XSS = (
    "<img src=x onerror=\"window.__pwned='img'\"><script>window.__pwned='script'</script>"
    "<a href=\"javascript:window.__pwned='link'\">link</a><svg onload=\"window.__pwned='svg'\">"
)


def _open(page: Page, url: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="Ask about the AI Act").click()
    expect(page.get_by_label("Your question")).to_be_focused()


def _ask(page: Page, question: str):
    """Ask and wait for the checked answer; the last turn's locator."""
    box = page.get_by_label("Your question")
    box.fill(question)
    box.press("Enter")
    turn = page.locator(".turn").last
    expect(turn.locator(".feedback")).to_be_visible(timeout=ANSWER_TIMEOUT)
    return turn


def _shadow(page: Page, script: str):
    """Evaluate `script` with `root`, the widget's shadow root."""
    return page.evaluate(
        f"() => {{ const root = document.querySelector('ai-act-desk').shadowRoot; {script} }}"
    )


def _saved(page: Page) -> dict:
    return page.evaluate(
        "() => JSON.parse(localStorage.getItem(Object.keys(localStorage).find(k => k.startsWith('ai-act-desk:'))))"
    )


def _wait_for(condition, timeout: float = 10):
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)
    return found


def _watch_streaming(page: Page) -> None:
    """Record what the panel shows while the answer is written (the deltas, typing, stop)."""
    _shadow(
        page,
        """window.__seen = {typing: false, stop: false, deltas: 0};
        new MutationObserver(() => {
          const live = root.querySelector('.streaming');
          if (live && live.textContent) window.__seen.deltas += 1;
          if (root.querySelector('.typing')) window.__seen.typing = true;
          if (root.querySelector('.stop:not([hidden])')) window.__seen.stop = true;
        }).observe(root, {subtree: true, childList: true, characterData: true, attributes: true});""",
    )


def test_a_firms_page_streams_a_cited_answer_and_opens_its_provisions(
    page: Page, desk, host_pages, artifacts
):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    _open(page, host_pages["launcher"])
    # The theme from the tag's data attributes; the page's hostile CSS stays outside.
    launcher = page.get_by_role("button", name="Ask about the AI Act")
    assert launcher.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(90, 24, 154)"
    expect(page.get_by_role("dialog", name="Firm & Co: AI Act questions")).to_be_visible()
    expect(page.locator(".notice")).to_contain_text("not legal advice")
    expect(page.locator(".notice")).to_contain_text("law as of")

    page.get_by_label("I am a").select_option("deployer")
    _watch_streaming(page)
    with page.expect_request("**/api/chat/stream") as sent:
        turn = _ask(page, "What are the obligations of deployers of high-risk AI systems?")
    assert sent.value.post_data_json["role"] == "deployer"
    seen = page.evaluate("() => window.__seen")
    assert seen["typing"] and seen["stop"] and seen["deltas"] >= 1, seen
    expect(turn.locator(".answer")).to_contain_text("[1]")
    chips = turn.locator(".chips .chip")
    assert any(label.startswith("Article 26") for label in chips.all_inner_texts()), chips.all_inner_texts()
    page.screenshot(path=artifacts / "widget-desktop.png")

    # A chip opens the provision: its text, authority, version, application date and EUR-Lex.
    chip = turn.locator(".chip", has_text="Article 26").first
    label = chip.inner_text()
    chip.click()
    reader = page.locator(".reader")
    expect(reader.locator("h3")).to_have_text(label)
    expect(reader.locator("h3")).to_be_focused()
    expect(reader).to_contain_text("Binding law")
    expect(reader).to_contain_text("Text as of")
    expect(reader.locator(".law").first).not_to_be_empty()
    link = reader.get_by_role("link", name="Read it on EUR-Lex")
    assert link.get_attribute("href").startswith("https://eur-lex.europa.eu/")
    assert link.get_attribute("rel") == "noopener noreferrer"
    page.screenshot(path=artifacts / "widget-provision.png")

    # A cross-reference in it opens the same way; Back returns through the trail.
    references = reader.locator(".ref, .chips .chip")
    if references.count():
        references.first.click()
        expect(reader.locator("h3")).not_to_have_text(label)
        reader.get_by_role("button", name="← Back").click()
        expect(reader.locator("h3")).to_have_text(label)
    reader.get_by_role("button", name="← Back to the conversation").click()
    expect(reader).to_be_hidden()
    expect(chip).to_be_focused()

    # A follow-up continues the same conversation, opened by the secret the desk issued with
    # the first answer (issue 19): kept with the conversation and sent with the question.
    conversation, secret = _saved(page)["conversationId"], _saved(page)["conversationSecret"]
    assert len(secret) == 43
    with page.expect_request("**/api/chat/stream") as sent:
        _ask(page, "When do these obligations apply?")
    assert sent.value.post_data_json["conversation_id"] == conversation
    assert sent.value.headers[SECRET_HEADER.lower()] == secret
    assert page.locator(".turn").count() == 2
    assert httpx.get(f"{desk.url}/api/conversations/{conversation}").status_code == 403  # the id alone
    opened = {SECRET_HEADER: secret}
    record = httpx.get(f"{desk.url}/api/conversations/{conversation}", headers=opened).json()
    assert [t["question"] for t in record["turns"]][-1] == "When do these obligations apply?"
    assert dialogs == []


def test_feedback_and_expert_requests_reach_the_staff_queue(page: Page, desk, host_pages):
    _open(page, host_pages["launcher"])
    turn = _ask(page, "What is a deployer?")
    answer_id = _saved(page)["turns"][-1]["answer"]["id"]
    store = Store(desk.database_url)
    try:
        with page.expect_request("**/feedback") as rated:
            turn.get_by_role("button", name="Not helpful", exact=True).click()
        assert rated.value.headers[SECRET_HEADER.lower()] == _saved(page)["conversationSecret"]
        expect(turn.get_by_text("A person at the desk will review this answer")).to_be_visible()
        expect(turn.get_by_role("button", name="Not helpful", exact=True)).to_have_attribute(
            "aria-pressed", "true"
        )
        expect(turn.get_by_role("button", name="Helpful", exact=True)).to_have_attribute(
            "aria-pressed", "false"
        )
        comment = "It misses Article 26. <b>not bold</b>\nSecond line."
        turn.get_by_label("Anything to add? (optional)").fill(comment)
        turn.get_by_role("button", name="Send comment").click()
        expect(turn.get_by_text("your comment was sent")).to_be_visible()
        queued = _wait_for(
            lambda: [f for f in store.review_requests() if f.answer_id == answer_id and f.comment]
        )
        assert queued[0].review_reason == "thumbs_down" and queued[0].comment == comment
        # And staff find it in the review queue, through the review API.
        accounts = StaffAccounts(store.engine, ReviewSettings())
        accounts.add("wanda", "a long enough password", ["reviewer"])
        staff = {"Authorization": f"Bearer {accounts.open_session('wanda', 'api').token}"}
        listed = httpx.get(
            f"{desk.url}/api/review/items", params={"reason": "thumbs_down"}, headers=staff
        ).json()
        assert answer_id in {entry["answer_id"] for entry in listed["entries"]}

        turn.get_by_role("button", name="Ask a human expert").click()
        turn.get_by_label("Your email, for the reply (optional)").fill("not an address")
        turn.get_by_role("button", name="Send to an expert").click()
        expect(turn.get_by_text("does not look right")).to_be_visible()
        turn.get_by_label("Your email, for the reply (optional)").fill("legal@firm.example")
        turn.get_by_label("What should the expert know? (optional)").fill("We screen CVs in France.")
        turn.get_by_role("button", name="Send to an expert").click()
        expect(turn.get_by_text("Sent to the desk's experts")).to_be_visible()
        request = store.expert_request(answer_id)
        assert (request.email, request.comment, request.review_reason) == (
            "legal@firm.example",
            "We screen CVs in France.",
            "expert_request",
        )

        # Staff reply later (issue 7); the asker sees it at the next visit.
        store.reply_to_expert_request(request.id, "Yes: you are a deployer under Article 3(4).")
    finally:
        store.close()
    page.reload()
    page.get_by_role("button", name="Ask about the AI Act").click()
    expect(page.get_by_text("Yes: you are a deployer under Article 3(4).")).to_be_visible()


def test_the_conversation_survives_a_reload_and_a_new_one_starts_clean(page: Page, host_pages):
    _open(page, host_pages["launcher"])
    _ask(page, "What is a provider?")
    conversation, secret = _saved(page)["conversationId"], _saved(page)["conversationSecret"]
    page.reload()
    page.get_by_role("button", name="Ask about the AI Act").click()
    expect(page.locator(".turn .question")).to_contain_text("What is a provider?")
    expect(page.locator(".turn .chips .chip").first).to_be_visible()
    with page.expect_request("**/api/chat/stream") as sent:
        _ask(page, "And an importer?")
    assert sent.value.post_data_json["conversation_id"] == conversation
    assert sent.value.headers[SECRET_HEADER.lower()] == secret

    page.get_by_role("button", name="New conversation").click()
    expect(page.locator(".turn")).to_have_count(0)
    with page.expect_request("**/api/chat/stream") as sent:
        _ask(page, "What is a distributor?")
    assert "conversation_id" not in sent.value.post_data_json
    assert SECRET_HEADER.lower() not in sent.value.headers
    assert _saved(page)["conversationSecret"] not in (None, secret)  # the new conversation's own


def test_a_conversation_kept_without_its_secret_starts_afresh(page: Page, desk, host_pages):
    """A conversation the widget kept before the desk issued secrets (issue 19): nobody can open
    it now, so the widget says so and the next question starts a new one."""
    answer = _ask_desk(desk, "What is an importer?")
    _open(page, host_pages["launcher"])
    page.evaluate(
        """id => { const key = Object.keys(localStorage).find(k => k.startsWith('ai-act-desk:'))
          || 'ai-act-desk:' + document.querySelector('script[data-desk-url]').dataset.deskUrl;
        localStorage.setItem(key, JSON.stringify({version: 1, conversationId: id, role: null, turns: []})); }""",
        answer["conversation_id"],
    )
    page.reload()
    page.get_by_role("button", name="Ask about the AI Act").click()
    expect(page.locator(".sr-only[role=status]")).to_contain_text("this is a new one")
    with page.expect_request("**/api/chat/stream") as sent:
        _ask(page, "What is a distributor?")
    assert "conversation_id" not in sent.value.post_data_json


def test_a_rate_limit_says_what_happened_and_when_to_ask_again(page: Page, limited_page):
    """Issue 19: over the conversation's limit the asker reads that they asked a lot, and when
    they can ask again; over the address's, that their network did. A real desk's 429s."""
    _open(page, limited_page)
    _ask(page, "What is a provider?")  # a new conversation: counted against the address only
    _ask(page, "And an importer?")  # the conversation's one follow-up
    box = page.get_by_label("Your question")
    box.fill("And a distributor?")
    box.press("Enter")
    error = page.locator(".turn .error").last
    expect(error).to_contain_text("You have asked many questions in a short time; you can ask again in ")
    expect(error).to_contain_text(re.compile(r"you can ask again in \d+ (seconds|minutes)\."))
    expect(error).not_to_contain_text("busy")

    page.get_by_role("button", name="New conversation").click()
    _ask(page, "What is a deployer?")  # the address's fourth question
    box.fill("And a product manufacturer?")
    box.press("Enter")
    expect(page.locator(".turn .error").last).to_contain_text(
        "Many questions have come from your network in a short time; you can ask again in "
    )


def test_markup_in_a_question_or_a_stored_answer_stays_inert(page: Page, desk, host_pages):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    _open(page, host_pages["launcher"])
    question = XSS + " What is a deployer?"
    turn = _ask(page, question)
    expect(turn.locator(".question")).to_have_text("You asked: " + question)

    # An answer already stored with markup in every field the widget shows, read back from
    # the server's record of the conversation.
    conversation_id = uuid.uuid4().hex
    secret = _store_hostile_answer(desk, conversation_id)
    page.evaluate(
        """([id, secret]) => { const key = Object.keys(localStorage).find(k => k.startsWith('ai-act-desk:'));
        localStorage.setItem(key, JSON.stringify(
          {version: 1, conversationId: id, conversationSecret: secret, role: null, turns: []})); }""",
        [conversation_id, secret],
    )
    page.reload()
    page.get_by_role("button", name="Ask about the AI Act").click()
    expect(page.locator(".turn .answer")).to_contain_text("<script>window.__pwned='script'</script>")
    chip = page.locator(".turn .chip").first
    expect(chip).to_contain_text("<img src=x")
    chip.click()
    expect(page.locator(".reader h3")).to_be_visible()

    assert page.evaluate("() => window.__pwned") is None
    assert dialogs == []
    assert (
        _shadow(page, "return root.querySelectorAll('img, script, svg, iframe, [onerror], [onload]').length")
        == 0
    )
    hrefs = _shadow(page, "return [...root.querySelectorAll('a')].map(a => a.href)")
    assert all(href.startswith("https://eur-lex.europa.eu/") for href in hrefs), hrefs


def _store_hostile_answer(desk, conversation_id: str) -> str:
    """Store it as a new conversation's; the secret that opens it."""
    passage = Passage(
        id="ai-act-consolidated:art-3.pt-4", anchor="art-3.pt-4", label=XSS, source_id="ai-act-consolidated",
        version="2026-07-27", authority=Authority.BINDING, deep_link="javascript:window.__pwned='deep'", text=XSS,
    )  # fmt: skip
    citation = Citation(
        number=1, anchor="art-3.pt-4", label=XSS, passage_id=passage.id, quote=XSS,
        deep_link="javascript:window.__pwned='deep'", authority=Authority.BINDING, version="2026-07-27",
    )  # fmt: skip
    answer = Answer(
        id=uuid.uuid4().hex, conversation_id=conversation_id, question=XSS, text=XSS + " [1]",
        citations=[citation], passages=[passage], flags=[], backend="extractive", settings_hash="x",
        corpus_version="2026-07-27", latency_ms=1.0, notice="not legal advice",
    )  # fmt: skip
    store = Store(desk.database_url)
    try:
        return save_opened(store, answer)[SECRET_HEADER]
    finally:
        store.close()


def _ask_desk(desk, question: str) -> dict:
    """Ask the desk directly, as another client would; its answer."""
    response = httpx.post(f"{desk.url}/api/chat", json={"question": question}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def _focused(page: Page) -> dict:
    return _shadow(
        page,
        """const el = root.activeElement;
        return el ? {tag: el.tagName, cls: el.className, id: el.id, text: el.textContent.trim()} : null;""",
    )


def test_keyboard_only(page: Page, host_pages):
    page.goto(host_pages["launcher"])
    for _ in range(6):  # past the firm's own button to the launcher
        page.keyboard.press("Tab")
        if (_focused(page) or {}).get("cls") == "launcher":
            break
    assert _focused(page)["cls"] == "launcher"
    page.keyboard.press("Enter")
    assert _focused(page)["id"] == "desk-question"
    page.keyboard.type("Which AI practices are prohibited?")
    page.keyboard.press("Enter")
    expect(page.locator(".turn .feedback")).to_be_visible(timeout=ANSWER_TIMEOUT)
    assert _focused(page)["id"] == "desk-question"  # ready for the next question

    for _ in range(30):  # back from the question box through the answer to a source
        page.keyboard.press("Shift+Tab")
        if "chip" in (_focused(page) or {}).get("cls", ""):
            break
    chip = _focused(page)
    assert chip["cls"] == "chip"
    page.keyboard.press("Enter")
    expect(page.locator(".reader h3")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator(".reader")).to_be_hidden()
    assert _focused(page)["text"] == chip["text"]

    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    assert _focused(page)["cls"] == "launcher"
    page.keyboard.press("Enter")
    expect(page.locator(".turn")).to_have_count(1)


def test_a_narrow_phone_screen(browser, host_pages, artifacts):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        _open(page, host_pages["launcher"])
        panel = page.get_by_role("dialog").bounding_box()
        assert (panel["x"], panel["y"], panel["width"], panel["height"]) == (0, 0, 360, 740)
        expect(page.locator(".launcher")).to_be_hidden()  # the panel covers the screen
        turn = _ask(page, "When do the obligations for general-purpose AI models apply?")
        page.screenshot(path=artifacts / "widget-mobile.png")
        for chip in turn.locator(".chip").all():
            box = chip.bounding_box()
            assert box is None or box["x"] + box["width"] <= 360  # wraps, never overflows
        scroll = _shadow(
            page, "const b = root.querySelector('.body'); return [b.scrollWidth, b.clientWidth];"
        )
        assert scroll[0] <= scroll[1]
        turn.locator(".chip").first.tap()
        expect(page.locator(".reader h3")).to_be_visible()
        page.get_by_role("button", name="Close the chat").tap()
        expect(page.locator(".launcher")).to_be_visible()
    finally:
        context.close()


def test_errors_say_what_happened_and_offer_a_retry(page: Page, desk, host_pages, sites):
    # A desk that is down: the page says so, and trying again tries again.
    _open(page, host_pages["dead"])
    page.get_by_label("Your question").fill("What is a provider?")
    page.get_by_label("Your question").press("Enter")
    error = page.locator(".turn .error")
    expect(error).to_contain_text("The desk cannot be reached")
    with page.expect_request("**/api/chat/stream"):
        error.get_by_role("button", name="Try again").click()
    expect(error).to_contain_text("The desk cannot be reached")

    # A rate limit and a failure, as a proxy in front of the desk would answer (the desk's own
    # 429s are in test_a_rate_limit_says_what_happened_and_when_to_ask_again): a fake at the
    # network seam, then the real desk.
    failures = [
        {"status": 429, "headers": {"Retry-After": "7"}, "body": {"error": "too many questions"}},
        {
            "status": 503,
            "headers": {},
            "body": {"error": "the index is being replaced; please retry shortly"},
        },
    ]
    origin = sites["allowed"].origin

    def answer(route):
        if route.request.method == "OPTIONS" or not failures:
            return route.continue_()
        failure = failures.pop(0)
        headers = {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Expose-Headers": "Retry-After",
            "Content-Type": "application/json",
            **failure["headers"],
        }
        route.fulfill(status=failure["status"], headers=headers, body=json.dumps(failure["body"]))

    # First the desk is slow to start its answer, and the asker stops it.
    held = []
    page.route(f"{desk.url}/api/chat/stream", lambda route: held.append(route))
    _open(page, host_pages["launcher"])
    page.get_by_label("Your question").fill("What is a provider?")
    page.get_by_label("Your question").press("Enter")
    expect(page.locator(".typing")).to_be_visible()
    page.get_by_role("button", name="Stop").click()
    error = page.locator(".turn .error")
    expect(error).to_contain_text("Stopped.")
    expect(page.get_by_role("button", name="Send")).to_be_visible()
    page.unroute(f"{desk.url}/api/chat/stream")
    page.route(f"{desk.url}/api/chat/stream", answer)

    error.get_by_role("button", name="Try again").click()
    expect(error).to_contain_text(
        "You have asked many questions in a short time; you can ask again in 7 seconds."
    )
    error.get_by_role("button", name="Try again").click()
    expect(error).to_contain_text("The desk could not answer this time")
    expect(error).to_contain_text("the index is being replaced")
    error.get_by_role("button", name="Try again").click()
    expect(page.locator(".turn .feedback")).to_be_visible(timeout=ANSWER_TIMEOUT)
    expect(page.locator(".turn .error")).to_have_count(0)
    assert len(held) == 1


def test_a_site_not_on_the_list_is_refused_and_told_what_its_operator_must_do(
    page: Page, desk, host_pages, sites
):
    store = Store(desk.database_url)
    try:
        before = store.count_answers()
        _open(page, host_pages["refused"])
        page.get_by_label("Your question").fill("What is a provider?")
        page.get_by_label("Your question").press("Enter")
        # The 403 is readable by the refused page, so the widget says who must do what (issue 19).
        expect(page.locator(".turn .error")).to_contain_text(
            "This site is not allowed to use the desk: its operator must add "
            f"{sites['other'].origin} to DESK_CORS_ORIGINS."
        )
        expect(page.locator(".turn .error")).not_to_contain_text("cannot be reached")
        refused = httpx.post(
            f"{desk.url}/api/chat",
            json={"question": "What is a provider?"},
            headers={"Origin": sites["other"].origin},
        )
        assert refused.status_code == 403 and "DESK_CORS_ORIGINS" in refused.json()["error"]
        assert store.count_answers() == before  # refused before any answer was written
    finally:
        store.close()


def test_the_desks_own_page_embeds_it_inline(page: Page, desk):
    page.goto(desk.url + "/")
    box = page.get_by_label("Your question")
    expect(box).to_be_visible()  # inline: no launcher to open
    expect(page.locator(".notice")).to_contain_text("law as of")
    turn = _ask(page, "Which practices did the Digital Omnibus add to Article 5(1)?")
    expect(turn.locator(".notes")).to_contain_text("as amended by Regulation (EU) 2026/1744")
    amended = [c["label"] for c in _saved(page)["turns"][-1]["answer"]["citations"] if c["amended_by"]]
    assert amended
    turn.locator(".chip", has_text=amended[0]).first.click()
    expect(page.locator(".reader")).to_contain_text("As amended by Regulation (EU) 2026/1744")


def test_the_direct_answer_comes_first_and_a_role_read_in_the_question_shows_in_the_selector(
    page: Page, host_pages, artifacts
):
    """Issue 16: the lead above the quoted law; a role the desk read in the question is shown in
    the role selector, said to be read, and can be changed for the next question."""
    _open(page, host_pages["launcher"])
    selector = page.get_by_label("I am a")
    expect(selector).to_have_value("")
    turn = _ask(page, "We sell a CV-screening tool to employers. Is it high-risk and what must we do?")
    lead = turn.locator(".answer .lead")
    expect(lead).to_contain_text("Yes:")
    expect(lead).to_contain_text("Annex III, point 4(a)")
    expect(turn.locator(".answer h3.law")).to_have_text("What the law says")
    assert turn.locator(".answer .quotes li").count() >= 1
    # Nothing is quoted as a bare lead-in ("… shall:").
    assert not any(
        q.rstrip("[]0123456789 ”").endswith(":") for q in turn.locator(".quotes li").all_inner_texts()
    )
    expect(selector).to_have_value("provider")
    expect(page.locator(".role .hint")).to_contain_text("read from your question")
    lead.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "widget-lead.png")

    # The asker changes it: the next question is asked for that role, and the hint goes.
    selector.select_option("deployer")
    expect(page.locator(".role .hint")).to_be_hidden()
    with page.expect_request("**/api/chat/stream") as sent:
        _ask(page, "What must we do?")
    assert sent.value.post_data_json["role"] == "deployer"


# ---------------------------------------------------------------- issue 19, point 8: the widget


def _reviewer(desk) -> dict[str, str]:
    """A staff account of its own, and the header its API session is opened with."""
    store = Store(desk.database_url)
    try:
        accounts = StaffAccounts(store.engine, ReviewSettings())
        name = "expert-" + uuid.uuid4().hex[:8]
        accounts.add(name, "a long enough password", ["reviewer"])
        return {"Authorization": f"Bearer {accounts.open_session(name, 'api').token}"}
    finally:
        store.close()


def _is_expert_check(request) -> bool:
    return request.method == "GET" and request.url.endswith("/expert")


def _expert_checks(page: Page) -> list[str]:
    """The widget's reads of expert replies, recorded from now on (as Playwright hands its
    events over: during its own calls, so wait with page.wait_for_timeout, not time.sleep)."""
    checks: list[str] = []
    page.on("request", lambda request: checks.append(request.url) if _is_expert_check(request) else None)
    return checks


def _ask_an_expert(page: Page, turn) -> None:
    turn.get_by_role("button", name="Ask a human expert").click()
    turn.get_by_role("button", name="Send to an expert").click()
    expect(turn.get_by_text("Their reply will show here")).to_be_visible()


def test_an_expert_reply_shows_without_a_reload_and_is_announced(page: Page, desk, host_pages):
    """Issue 19: the widget asks for the reply now and then while its panel is open, shows it
    when staff have written it, says it to screen readers, and then stops asking. The page's
    clock is Playwright's, so the test moves it on instead of waiting 20 seconds and more."""
    page.clock.install()
    _open(page, host_pages["launcher"])
    turn = _ask(page, "What is an authorised representative?")
    answer_id = _saved(page)["turns"][-1]["answer"]["id"]
    checks = _expert_checks(page)
    _ask_an_expert(page, turn)
    # The button pressed is gone; the focus is where the reply will show, still in the panel.
    assert _shadow(page, "return root.activeElement.classList.contains('expert')")

    # Closed, the panel asks nothing however long it stays closed.
    page.get_by_role("button", name="Close the chat").click()
    expect(page.get_by_role("dialog")).to_be_hidden()
    page.clock.fast_forward(120_000)
    page.wait_for_timeout(500)
    assert checks == []
    # Opened again, it asks at once (the check was due), and finds no reply yet.
    with page.expect_response(lambda response: _is_expert_check(response.request)):
        page.get_by_role("button", name="Ask about the AI Act").click()
    expect(turn.get_by_text("Their reply will show here")).to_be_visible()

    reply = "Yes: an authorised representative acts for a provider outside the Union (Article 22)."
    replied = httpx.post(
        f"{desk.url}/api/review/items/{answer_id}/reply", json={"reply": reply}, headers=_reviewer(desk)
    )
    assert replied.status_code == 200, replied.text
    page.clock.fast_forward(31_000)  # the second check comes later than the first: 30 s
    expect(turn.locator(".reply")).to_contain_text(reply)
    expect(page.locator(".sr-only[role=status]")).to_have_text("An expert at the desk replied: " + reply)
    assert _saved(page)["turns"][-1]["expert"]["reply"] == reply  # a reload shows it too

    # With the reply in, the widget stops asking.
    asked = len(checks)
    page.clock.fast_forward(600_000)
    page.wait_for_timeout(500)
    assert len(checks) == asked == 2


def test_a_refused_reply_check_stops_the_asking(page: Page, desk, host_pages, sites):
    """A 404 for the expert request (the desk no longer opens it to this widget): the widget
    says the reply cannot show here and asks no more. The 404 is a fake at the network seam,
    as the desk's own would read, since the real one needs the request removed from the desk."""
    page.clock.install()
    _open(page, host_pages["launcher"])
    turn = _ask(page, "What is an importer?")
    answer_id = _saved(page)["turns"][-1]["answer"]["id"]
    checks = _expert_checks(page)
    _ask_an_expert(page, turn)
    page.route(
        f"{desk.url}/api/answers/{answer_id}/expert",
        lambda route: (
            route.continue_()
            if route.request.method != "GET"
            else route.fulfill(
                status=404,
                headers={"Access-Control-Allow-Origin": sites["allowed"].origin},
                content_type="application/json",
                body=json.dumps({"error": f"no answer {answer_id} opens with this X-Conversation-Secret"}),
            )
        ),
    )
    page.clock.fast_forward(21_000)
    expect(turn.get_by_text("The desk can no longer show the reply to this request here.")).to_be_visible()
    page.clock.fast_forward(600_000)
    page.wait_for_timeout(500)
    assert len(checks) == 1


def test_the_open_panel_keeps_tab_inside_and_escape_returns_to_the_launcher(page: Page, host_pages):
    """Issue 19: the WAI-ARIA dialog pattern. Tab and Shift+Tab go round the panel's controls
    and never out to the page behind; Escape closes it and gives focus back to the launcher."""
    _open(page, host_pages["launcher"])
    dialog = page.get_by_role("dialog", name="Firm & Co: AI Act questions")
    inside = "const el = root.activeElement; return Boolean(el && root.querySelector('.panel').contains(el));"
    for key in ("Tab", "Shift+Tab"):
        seen = []
        for _ in range(12):  # the panel has five stops before a question: round it twice
            page.keyboard.press(key)
            assert _shadow(page, inside), f"{key} left the panel after {seen}"
            seen.append(_focused(page)["id"] or _focused(page)["text"])
        assert seen.count("desk-question") >= 2, seen  # came round again
    expect(dialog).to_have_attribute("aria-modal", "true")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert _focused(page)["cls"] == "launcher"


def test_a_question_over_the_limit_is_kept_whole_and_the_asker_told(page: Page, desk, host_pages):
    """Issue 19: a paste longer than the desk's limit is not cut without a word. The widget
    keeps all of it, says how long it is, what the desk reads and by how much to shorten it,
    and sends nothing until it fits."""
    limit = httpx.get(f"{desk.url}/api/about").json()["max_question_chars"]
    assert limit == 2000  # the desk's setting, which the widget learns from /api/about
    sent = []
    page.on("request", lambda request: sent.append(request) if "/api/chat" in request.url else None)
    _open(page, host_pages["launcher"])
    pasted = "We deploy a chatbot for our customers. " * 60 + "Which of our duties apply, and from when?"
    box = page.get_by_label("Your question")
    box.focus()
    page.keyboard.insert_text(pasted)  # as a paste arrives: one input of the whole text
    over = len(pasted) - limit
    assert box.input_value() == pasted  # nothing cut, the question at its end included
    length = page.locator(".length")
    expect(length).to_have_text(
        f"Your question is too long to send: {len(pasted):,} characters, and the desk reads up to "
        f"{limit:,}. Shorten it by {over:,} characters; nothing has been cut."
    )
    expect(length).to_have_attribute("aria-live", "polite")
    expect(box).to_have_attribute("aria-invalid", "true")
    box.press("Enter")
    page.get_by_role("button", name="Send").click()
    page.wait_for_timeout(300)
    assert sent == [] and box.input_value() == pasted
    expect(page.locator(".sr-only[role=status]")).to_contain_text("Your question is too long to send")

    # Shortened to the limit, it may go.
    box.fill(pasted[-limit:])
    expect(length).to_be_hidden()
    expect(box).not_to_have_attribute("aria-invalid", "true")


def test_a_thumbs_down_the_queue_keeps_out_promises_no_review(page: Page, host_pages):
    """Issue 19: a declined question rated down is recorded but not queued for staff
    (`needs_review: false`); the widget says so instead of promising a review."""
    _open(page, host_pages["launcher"])
    turn = _ask(page, "Can you recommend a good sourdough starter?")
    with page.expect_response("**/feedback") as rated:
        turn.get_by_role("button", name="Not helpful", exact=True).click()
    assert rated.value.json()["needs_review"] is False
    expect(turn.get_by_text("Thank you: your rating is recorded.")).to_be_visible()
    expect(turn.get_by_text("A person at the desk will review this answer")).to_have_count(0)
