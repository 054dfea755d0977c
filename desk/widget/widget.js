/*
 * AI Act Service Desk: the chat widget a site embeds with one tag.
 *
 *   <script src="https://DESK/widget.js" data-desk-url="https://DESK" defer></script>
 *
 * Options, as data attributes on that tag:
 *   data-desk-url   the desk (default: where widget.js came from)
 *   data-mode       "launcher" (a button that opens a panel; default) or "inline"
 *   data-target     for inline mode: a CSS selector of the element to fill (default: after the tag)
 *   data-title, data-greeting, data-position ("right" | "left"), data-role (a role preselected)
 *   data-accent, data-background, data-text, data-font, data-radius: the theme; or set the CSS
 *   custom properties --desk-accent, --desk-background, --desk-text, --desk-font, --desk-radius
 *   on the page (for example on `ai-act-desk { ... }`).
 *
 * A conversation is opened by the secret the desk issued when it started (issue 19): the widget
 * keeps it with the conversation in local storage and sends it as X-Conversation-Secret to ask a
 * follow-up, read the conversation back and rate its answers. Its id alone opens nothing.
 *
 * Safety: the widget lives in a shadow root, so the page's styles and its own do not meet.
 * Everything the server or the user wrote is put on the page as text (textContent and
 * createElement), never as HTML; links are made only to https pages of allow-listed hosts.
 * A question or answer carrying <script>, <img onerror> or a javascript: URL shows as text.
 */
(function () {
  "use strict";

  const script = document.currentScript || document.querySelector("script[src*='widget.js']");
  if (!script || script.dataset.deskStarted) return;
  script.dataset.deskStarted = "yes";

  const ROLE_NAMES = {
    provider: "provider",
    deployer: "deployer",
    importer: "importer",
    distributor: "distributor",
    authorised_representative: "authorised representative",
    product_manufacturer: "product manufacturer",
    gpai_provider: "provider of a general-purpose AI model",
    gpai_systemic_provider: "provider of a general-purpose AI model with systemic risk",
  };
  const AUTHORITY = {
    binding: "Binding law",
    interpretive: "Recital: explains the law, does not bind",
    guidance: "Commission guidance: not binding",
    policy: "Policy document: not binding",
  };
  // Links open only to these hosts (and their subdomains), over https.
  const LINK_HOSTS = ["eur-lex.europa.eu", "europa.eu"];
  const STORED_TURNS = 40; // the newest turns kept in local storage
  const COMMENT_LIMIT = 5000;
  const SECRET_HEADER = "X-Conversation-Secret";
  // The desk's longest question until GET /api/about says its own (`max_question_chars`).
  const QUESTION_LIMIT = 2000;
  // An expert replies in hours, not seconds (issue 19): ask after 20 s, then half as often again
  // after each answer without a reply, never less often than every 5 minutes.
  const REPLY_POLL = { firstMs: 20_000, growth: 1.5, longestMs: 300_000 };
  // The heading the desk puts over the quoted law, after the direct answer (desk/backends/extractive.py).
  // The heading over the quotes (desk/backends/extractive.py, HEADINGS): the law's, the plan's, or both.
  const QUOTES_HEADING = /^(What the (?:law|AI Continent Action Plan|law and the AI Continent Action Plan) says?):$/;

  // ---------------------------------------------------------------- settings from the tag

  function readConfig(tag) {
    const data = tag.dataset;
    const scriptOrigin = new URL(tag.src, location.href).origin;
    return {
      deskUrl: (data.deskUrl || scriptOrigin).replace(/\/+$/, ""),
      mode: data.mode === "inline" ? "inline" : "launcher",
      target: data.target || null,
      title: data.title || "AI Act Service Desk",
      greeting:
        data.greeting ||
        "Ask a question about the EU AI Act. Answers quote the official texts and cite the provisions they rest on.",
      position: data.position === "left" ? "left" : "right",
      role: ROLE_NAMES[data.role] ? data.role : "",
      theme: {
        "--desk-accent": data.accent,
        "--desk-background": data.background,
        "--desk-text": data.text,
        "--desk-font": data.font,
        "--desk-radius": data.radius,
      },
    };
  }

  // ---------------------------------------------------------------- small DOM helpers

  /** An element with attributes and children; strings become text nodes, never markup. */
  function h(tag, attributes, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
      else if (name === "text") element.textContent = value;
      else element.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return element;
  }

  /** A button (type "button": it never submits a form the host page wraps around the widget). */
  function button(text, onclick, attributes) {
    return h("button", { type: "button", class: "quiet", ...attributes, text, onclick });
  }

  /** What went wrong, in words, and a button that tries again. */
  function problemBox(message, retry, alert) {
    return h("div", { class: "error", role: alert ? "alert" : null }, h("p", { text: message }), button("Try again", retry));
  }

  /** An https link to an allow-listed host, or null: javascript:, data: and other hosts get none. */
  function safeLink(url, label) {
    let parsed;
    try {
      parsed = new URL(url);
    } catch (_) {
      return null;
    }
    const allowed = LINK_HOSTS.some((host) => parsed.hostname === host || parsed.hostname.endsWith("." + host));
    if (parsed.protocol !== "https:" || !allowed) return null;
    return h("a", { href: parsed.href, target: "_blank", rel: "noopener noreferrer", text: label });
  }

  /** The elements Tab reaches inside `container`, in order: enabled, shown, not taken out. */
  function tabStops(container) {
    const candidates = container.querySelectorAll(
      "button, [href], input, select, textarea, [tabindex]:not([tabindex='-1'])"
    );
    return [...candidates].filter((element) => !element.disabled && element.getClientRects().length > 0);
  }

  /** Characters as the desk counts them (Python's len: code points, so an emoji is one). */
  function charCount(text) {
    return [...text].length;
  }

  function longDate(iso) {
    const day = new Date(iso + "T00:00:00Z");
    if (Number.isNaN(day.getTime())) return iso;
    return day.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  }

  // ---------------------------------------------------------------- talking to the desk

  class DeskError extends Error {
    /** kind: "unreachable" | "refused" | "rate_limited" | "invalid" | "not_found" | "failed" | "stopped" */
    constructor(kind, message, retryAfter) {
      super(message || kind);
      this.kind = kind;
      this.retryAfter = retryAfter || null;
    }
  }

  function userMessage(error) {
    switch (error.kind) {
      case "unreachable":
        return "The desk cannot be reached. Check your connection, then try again.";
      case "refused":
        // The desk refused this site (403, readable since issue 19): only its operator can fix that.
        return error.message.includes("DESK_CORS_ORIGINS")
          ? `This site is not allowed to use the desk: its operator must add ${window.location.origin} to DESK_CORS_ORIGINS.`
          : "The desk refused this request." + (error.message ? ` (${error.message})` : "");
      case "rate_limited": {
        // The desk names the limit reached (desk/ratelimit.py): this conversation's, or the
        // address's, which everyone behind one office network shares.
        const when = error.retryAfter ? `you can ask again in ${waitInWords(error.retryAfter)}` : "please wait a minute, then ask again";
        return error.message.includes("from this address")
          ? `Many questions have come from your network in a short time; ${when}.`
          : `You have asked many questions in a short time; ${when}.`;
      }
      case "invalid":
      case "not_found":
        return error.message;
      case "stopped":
        return "Stopped.";
      default:
        return "The desk could not answer this time. Please try again." + (error.message ? ` (${error.message})` : "");
    }
  }

  /** What a rating's sender reads. A thumbs-down asks staff for a look only when the desk
   * queued it (`needs_review`): it queues a share per client and keeps declined questions out
   * (issue 19), and promising a review the queue never got would be a lie. */
  function ratingThanks(rating, queued) {
    if (rating !== "down") return "Thank you.";
    return queued ? "Thank you. A person at the desk will review this answer." : "Thank you: your rating is recorded.";
  }

  /** Retry-After (seconds) as a person says it: "7 seconds", "1 second", "3 minutes". */
  function waitInWords(retryAfter) {
    const seconds = Math.max(1, parseInt(retryAfter, 10) || 1);
    if (seconds >= 120) return `${Math.ceil(seconds / 60)} minutes`;
    return seconds === 1 ? "1 second" : `${seconds} seconds`;
  }

  function makeApi(deskUrl) {
    async function send(path, options) {
      const headers = {};
      if (options.body) headers["Content-Type"] = "application/json";
      if (options.secret) headers[SECRET_HEADER] = options.secret;
      let response;
      try {
        response = await fetch(deskUrl + path, {
          method: options.method || "GET",
          headers,
          body: options.body ? JSON.stringify(options.body) : undefined,
          signal: options.signal,
          credentials: "omit",
        });
      } catch (error) {
        if (error && error.name === "AbortError") throw new DeskError("stopped");
        throw new DeskError("unreachable");
      }
      if (!response.ok) throw await errorFrom(response);
      return response;
    }

    async function errorFrom(response) {
      let message = "";
      try {
        message = String((await response.json()).error || "");
      } catch (_) {
        /* not JSON: a proxy's page; the status says enough */
      }
      message = message.slice(0, 300);
      if (response.status === 429) return new DeskError("rate_limited", message, response.headers.get("Retry-After"));
      if (response.status === 422) return new DeskError("invalid", message || "The desk could not read that.");
      if (response.status === 404) return new DeskError("not_found", message || "Not found.");
      if (response.status === 403) return new DeskError("refused", message);
      return new DeskError("failed", message);
    }

    return {
      json: async (path, options) => (await send(path, options || {})).json(),

      /** POST /api/chat/stream, calling on.meta / lead / delta / reset / final as the events arrive. */
      async stream(body, secret, on, signal) {
        const response = await send("/api/chat/stream", { method: "POST", body, secret, signal });
        let finished = false;
        try {
          await readEvents(response.body, (name, data) => {
            if (name === "error") throw new DeskError("failed", String(data.error || ""));
            if (name === "final") finished = true;
            if (on[name]) on[name](data);
          });
        } catch (error) {
          if (error instanceof DeskError) throw error;
          if (error && error.name === "AbortError") throw new DeskError("stopped");
          throw new DeskError("unreachable");
        }
        if (!finished) throw new DeskError("failed", "the answer was cut off; please ask again");
      },
    };
  }

  /** Server-sent events from a fetch body: blocks separated by a blank line, `event:` and `data:`. */
  async function readEvents(body, onEvent) {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const event = parseEvent(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
          if (event) onEvent(event.name, event.data);
        }
      }
    } catch (error) {
      reader.cancel().catch(() => {}); // an error event or a stop: let the desk stop writing
      throw error;
    }
  }

  function parseEvent(block) {
    let name = "message";
    const data = [];
    for (const line of block.split(/\r?\n/)) {
      if (!line || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") name = value;
      else if (field === "data") data.push(value);
    }
    if (!data.length) return null;
    try {
      return { name, data: JSON.parse(data.join("\n")) };
    } catch (_) {
      return null;
    }
  }

  // ---------------------------------------------------------------- what survives a reload

  function makeMemory(deskUrl) {
    const key = "ai-act-desk:" + deskUrl;
    return {
      load() {
        try {
          const saved = JSON.parse(localStorage.getItem(key) || "null");
          if (saved && saved.version === 1 && Array.isArray(saved.turns)) return saved;
        } catch (_) {
          /* storage blocked (private mode, third-party rules) or damaged: start afresh */
        }
        return { version: 1, conversationId: null, conversationSecret: null, role: null, turns: [] };
      },
      save(state) {
        const turns = state.turns.filter((turn) => turn.status !== "waiting").slice(-STORED_TURNS);
        try {
          localStorage.setItem(key, JSON.stringify({ ...state, turns }));
        } catch (_) {
          /* full or blocked: the conversation still lives on the server */
        }
      },
    };
  }

  /** A turn as the server's record has it (GET /api/conversations/{id}), in the widget's shape. */
  function turnFromRecord(record) {
    return {
      question: record.question,
      status: "answered",
      answer: {
        id: record.answer_id,
        lead: record.lead || "",
        text: record.answer,
        citations: record.citations || [],
        notes: record.notes || [],
        clarify: record.clarify || null,
        role: record.role || null,
        role_source: record.role_source || null,
        law_as_of: record.law_as_of || null,
      },
    };
  }

  // ---------------------------------------------------------------- waiting for an expert's reply

  /**
   * Asks the desk now and then whether staff replied to an expert request, so the reply shows
   * without a reload (issue 19). Politely: only while `mayAsk()` (the panel open, the page
   * shown), less often after each check without a reply, and not at all once `checkPending()`
   * says nothing is pending any more (a reply came, or the desk refused: 403, 404).
   *   checkPending: async () => true while a request still waits for its reply
   */
  function makeReplyWatch(checkPending, mayAsk) {
    let timer = null;
    let delay = REPLY_POLL.firstMs;
    let dueAt = 0; // when the next check is due; kept while paused, so opening the panel
    //               after a long time asks at once, and toggling it never asks more often

    function arm() {
      clearTimeout(timer);
      timer = null;
      if (mayAsk()) timer = setTimeout(check, Math.max(0, dueAt - Date.now()));
    }

    async function check() {
      timer = null;
      if (!mayAsk()) return;
      dueAt = Infinity; // one check at a time: a resume meanwhile does not start another
      const pending = await checkPending();
      if (!pending) return stop();
      delay = Math.min(delay * REPLY_POLL.growth, REPLY_POLL.longestMs);
      dueAt = Date.now() + delay;
      arm();
    }

    function stop() {
      clearTimeout(timer);
      timer = null;
      dueAt = 0;
      delay = REPLY_POLL.firstMs;
    }

    return {
      /** A request was just sent: its first check after the first delay. */
      start() {
        delay = REPLY_POLL.firstMs;
        dueAt = Date.now() + delay;
        arm();
      },
      /** The panel opened or the page came back into view: the check that is due. */
      resume() {
        if (dueAt && dueAt !== Infinity && !timer) arm();
      },
      /** The panel closed or the page was hidden. */
      pause() {
        clearTimeout(timer);
        timer = null;
      },
      /** Check once now (a page load with requests kept pending), then as usual. */
      checkNow() {
        dueAt = Date.now();
        arm();
      },
    };
  }

  // ---------------------------------------------------------------- the widget

  function start() {
    const config = readConfig(script);
    const api = makeApi(config.deskUrl);
    const memory = makeMemory(config.deskUrl);
    const state = memory.load();
    if (!state.role && config.role) state.role = config.role;
    let about = null; // GET /api/about: the law's date, the notice
    let running = null; // the AbortController of the answer being written
    const shown = new WeakMap(); // turn -> its element in the log (kept out of local storage)
    const expertShown = new WeakMap(); // turn -> the function that shows its expert request's state
    let questionLimit = QUESTION_LIMIT;

    // The host element and its shadow root: the page's CSS does not reach in, ours not out.
    const host = h("ai-act-desk", { "data-mode": config.mode, "data-position": config.position });
    for (const [property, value] of Object.entries(config.theme)) if (value) host.style.setProperty(property, value);
    const root = host.attachShadow({ mode: "open" });
    adoptStyles(root);

    const ids = { panel: "desk-panel", title: "desk-title", role: "desk-role", question: "desk-question" };
    const status = h("div", { class: "sr-only", role: "status", "aria-live": "polite" });
    const log = h("div", { class: "log", role: "log", "aria-label": "Conversation", "aria-live": "off" });
    const reader = h("section", { class: "reader", hidden: true, "aria-label": "Provision" });
    const scroller = h("div", { class: "body" }, log, reader);
    const notice = h("p", { class: "notice" });
    const roleSelect = h(
      "select",
      {
        id: ids.role,
        onchange: () => {
          state.role = roleSelect.value || null;
          roleHint.textContent = ""; // chosen now, not read from a question
          memory.save(state);
        },
      },
      h("option", { value: "", text: "Not specified" }),
      Object.entries(ROLE_NAMES).map(([value, name]) => h("option", { value, text: name }))
    );
    roleSelect.value = state.role || "";
    // Says when the role shown was read from a question rather than chosen: it can be changed.
    const roleHint = h("span", { class: "hint", id: "desk-role-hint", "aria-live": "polite" });
    // No maxlength on the question (issue 19): the browser would cut a long paste at the limit
    // without a word, and the end it drops is where a pasted question usually asks. The whole
    // text stays for the asker to shorten; the line under it says by how much, and Send refuses
    // until it fits.
    const lengthLine = h("p", { class: "length", id: "desk-question-length", "aria-live": "polite", hidden: true });
    const question = h("textarea", {
      id: ids.question,
      rows: 2,
      placeholder: "Ask about the AI Act…",
      "aria-describedby": lengthLine.id,
      oninput: checkLength,
      onkeydown: (event) => {
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          submit();
        }
      },
    });
    const sendButton = h("button", { type: "submit", class: "send", text: "Send" });
    const stopButton = h("button", { type: "button", class: "stop", hidden: true, text: "Stop", onclick: stop });
    const form = h(
      "form",
      { class: "composer", onsubmit: (event) => (event.preventDefault(), submit()) },
      h("label", { for: ids.question, class: "sr-only", text: "Your question" }),
      question,
      sendButton,
      stopButton
    );
    const closeButton =
      config.mode === "launcher"
        ? button("×", () => toggle(false), { class: "icon", "aria-label": "Close the chat" })
        : null;
    const panel = h(
      "section",
      {
        id: ids.panel,
        class: "panel",
        role: config.mode === "launcher" ? "dialog" : "region",
        // Modal while open (WAI-ARIA dialog pattern): Tab stays inside, Escape closes it.
        "aria-modal": config.mode === "launcher" ? "true" : null,
        "aria-labelledby": ids.title,
      },
      h(
        "header",
        {},
        h("h2", { id: ids.title, text: config.title }),
        button("New conversation", newConversation),
        closeButton
      ),
      h("div", { class: "role" }, h("label", { for: ids.role, text: "I am a" }), roleSelect, roleHint),
      scroller,
      form,
      lengthLine,
      notice,
      status
    );
    const launcher =
      config.mode === "launcher"
        ? h("button", {
            type: "button",
            class: "launcher",
            "aria-expanded": "false",
            "aria-controls": ids.panel,
            text: "Ask about the AI Act",
            onclick: () => toggle(),
          })
        : null;
    if (launcher) {
      panel.hidden = true;
      root.append(launcher);
    }
    root.append(panel);
    panel.addEventListener("keydown", (event) => {
      if (event.key === "Tab" && launcher) keepTabInside(event);
      if (event.key !== "Escape") return;
      if (!reader.hidden) closeReader();
      else if (launcher) toggle(false);
    });
    const replies = makeReplyWatch(checkExpertReplies, mayAskForReplies);
    document.addEventListener("visibilitychange", () =>
      document.visibilityState === "visible" ? replies.resume() : replies.pause()
    );
    mount(host);
    renderNotice();
    renderAll();
    loadAbout();
    reconcile();

    function mount(element) {
      const target = config.target && document.querySelector(config.target);
      if (target) target.append(element);
      else if (config.mode === "inline") script.after(element);
      else document.body.append(element);
    }

    function toggle(open) {
      const opening = open === undefined ? panel.hidden : open;
      panel.hidden = !opening;
      launcher.setAttribute("aria-expanded", String(opening));
      host.toggleAttribute("data-open", opening);
      if (opening) question.focus();
      else launcher.focus();
      if (opening) replies.resume();
      else replies.pause();
    }

    /** Tab from the last stop goes to the first, Shift+Tab from the first to the last: the
     * panel is modal, and the page behind it is not where the keyboard should wander. */
    function keepTabInside(event) {
      const stops = tabStops(panel);
      if (!stops.length) return;
      const first = stops[0];
      const last = stops[stops.length - 1];
      const at = root.activeElement;
      // The reader's heading (tabindex -1) is inside too: Tab moves on from it as usual.
      const inside = at && panel.contains(at);
      if (inside && at !== (event.shiftKey ? first : last)) return;
      event.preventDefault();
      (event.shiftKey ? last : first).focus();
    }

    function announce(text) {
      status.textContent = "";
      // A fresh node after a tick, so screen readers announce a repeated message again.
      setTimeout(() => (status.textContent = text), 50);
    }

    async function loadAbout() {
      try {
        about = await api.json("/api/about");
        renderNotice();
        renderRoles(about.roles || []);
        if (about.max_question_chars > 0) questionLimit = about.max_question_chars;
        checkLength();
      } catch (_) {
        /* the notice then goes without the date until the first answer brings it */
      }
    }

    /** The roles the desk knows, with its names for them (the built-in list until it answers). */
    function renderRoles(roles) {
      if (!roles.length) return;
      roleSelect.replaceChildren(
        h("option", { value: "", text: "Not specified" }),
        ...roles.map((role) => h("option", { value: role.value, text: role.name }))
      );
      roleSelect.value = state.role || "";
    }

    function renderNotice() {
      const lastAnswer = [...state.turns].reverse().find((turn) => turn.answer && turn.answer.law_as_of);
      const asOf = (lastAnswer && lastAnswer.answer.law_as_of) || (about && about.law_as_of);
      notice.textContent =
        "Information, not legal advice: check the cited provisions before you rely on them." +
        (asOf ? ` Answers read the ${asOf}.` : "");
    }

    /** The server is the record: bring in turns asked elsewhere; forget a conversation it lost,
     * or one kept without its secret (stored before the desk issued secrets: none opens it now). */
    async function reconcile() {
      if (!state.conversationId) return;
      let record;
      try {
        if (!state.conversationSecret) throw new DeskError("not_found");
        const path = "/api/conversations/" + encodeURIComponent(state.conversationId);
        record = await api.json(path, { secret: state.conversationSecret });
      } catch (error) {
        if (error.kind === "not_found") {
          forgetConversation();
          state.turns = [];
          memory.save(state);
          renderAll();
          announce("The earlier conversation is no longer on the desk; this is a new one.");
        }
        return;
      }
      const known = new Map(state.turns.filter((t) => t.answer).map((t) => [t.answer.id, t]));
      const recorded = record.turns.map((turn) => known.get(turn.answer_id) || turnFromRecord(turn));
      // Questions that failed or were stopped after the last answer stay, with their retry.
      const lastAnswered = state.turns.map((turn) => Boolean(turn.answer)).lastIndexOf(true);
      state.turns = recorded.concat(state.turns.slice(lastAnswered + 1));
      memory.save(state);
      renderAll();
      if (pendingExperts().length) replies.checkNow();
    }

    function forgetConversation() {
      state.conversationId = null;
      state.conversationSecret = null;
    }

    function newConversation() {
      stop();
      forgetConversation();
      state.turns = [];
      memory.save(state);
      leaveReader();
      renderAll();
      renderNotice();
      announce("New conversation started.");
      question.focus();
    }

    // ------------------------------------------------------------ asking

    function submit() {
      const text = question.value.trim();
      if (!text || running) return;
      if (charCount(text) > questionLimit) {
        // Said again, now, even if the line already says it: Send did nothing visible.
        announce(lengthLine.textContent);
        return question.focus();
      }
      question.value = "";
      checkLength();
      ask({ question: text, status: "waiting" });
    }

    /** Over the desk's limit, the line under the question says by how much; otherwise it is gone. */
    function checkLength() {
      const length = charCount(question.value.trim());
      const over = length - questionLimit;
      const tooLong = over > 0;
      lengthLine.hidden = !tooLong;
      if (tooLong) question.setAttribute("aria-invalid", "true");
      else question.removeAttribute("aria-invalid");
      const said = tooLong
        ? `Your question is too long to send: ${length.toLocaleString("en")} characters, and the desk ` +
          `reads up to ${questionLimit.toLocaleString("en")}. Shorten it by ` +
          `${over.toLocaleString("en")} ${over === 1 ? "character" : "characters"}; nothing has been cut.`
        : "";
      // Written only when it changes: each keystroke over the limit is not read out again.
      if (lengthLine.textContent !== said) lengthLine.textContent = said;
    }

    async function ask(turn) {
      if (running) return; // one answer at a time
      leaveReader();
      const retrying = shown.get(turn);
      if (!state.turns.includes(turn)) state.turns.push(turn);
      Object.assign(turn, { status: "waiting", answer: null, error: null, partial: "" });
      const view = renderTurn(turn);
      if (retrying && retrying.contains(root.activeElement)) question.focus(); // its button is gone
      running = new AbortController();
      setBusy(true);
      announce("The desk is writing an answer.");
      const body = { question: turn.question };
      if (state.conversationId) body.conversation_id = state.conversationId;
      if (state.role) body.role = state.role;
      try {
        await api.stream(
          body,
          state.conversationSecret,
          {
            meta: (data) => {
              state.conversationId = data.conversation_id;
              // Sent once, when this question starts the conversation: kept to continue it.
              if (data.conversation_secret) state.conversationSecret = data.conversation_secret;
            },
            // The direct answer arrives first, whole: shown while the quotes are written.
            lead: (data) => view.lead(data.text || ""),
            delta: (data) => view.write((turn.partial += data.text || "")),
            reset: () => view.write((turn.partial = "")),
            final: (answer) => {
              turn.answer = answer;
              turn.status = "answered";
              followRole(answer);
            },
          },
          running.signal
        );
        announce("Answer ready: " + turn.answer.text.slice(0, 300));
      } catch (error) {
        const problem = error instanceof DeskError ? error : new DeskError("failed");
        turn.status = problem.kind === "stopped" ? "stopped" : "failed";
        turn.error = { kind: problem.kind, message: userMessage(problem) };
        if (problem.kind === "not_found" && body.conversation_id) {
          forgetConversation(); // the desk lost it: the retry starts a new one
          turn.error.message = "This conversation is no longer on the desk. Try again to ask in a new one.";
        }
        announce(turn.error.message);
      } finally {
        running = null;
        setBusy(false);
      }
      memory.save(state);
      if (state.turns.includes(turn)) renderTurn(turn); // not when a new conversation began meanwhile
      renderNotice();
    }

    function stop() {
      if (running) running.abort();
    }

    function setBusy(busy) {
      // The button under the user's focus is swapped: move the focus with it, never to the page.
      const focused = root.activeElement;
      sendButton.hidden = busy;
      stopButton.hidden = !busy;
      if (busy && focused === sendButton) stopButton.focus();
      if (!busy && focused === stopButton) question.focus();
    }

    // ------------------------------------------------------------ showing the conversation

    function renderAll() {
      log.replaceChildren(h("p", { class: "greeting", text: config.greeting }));
      for (const turn of state.turns) renderTurn(turn);
    }

    /** Put a turn in the log (or replace its element) and return its element. */
    function renderTurn(turn) {
      const asked = h("p", { class: "question" }, h("span", { class: "sr-only", text: "You asked: " }), turn.question);
      const article = h("article", { class: "turn" }, asked);
      const reply = h("div", { class: "answer" });
      article.append(reply);
      if (turn.status === "waiting") {
        const lead = h("p", { class: "lead", hidden: true });
        const live = h("p", { class: "streaming", "aria-live": "polite", "aria-busy": "true" });
        const typing = h("span", { class: "typing", role: "img", "aria-label": "The desk is writing" }, [1, 2, 3].map(() => h("i")));
        reply.append(lead, live, typing);
        article.lead = (text) => ((lead.textContent = text), (lead.hidden = !text), toBottom());
        article.write = (text) => {
          // The lead is shown above already: the stream repeats it before the quotes.
          const rest = lead.textContent && text.startsWith(lead.textContent) ? text.slice(lead.textContent.length) : text;
          live.textContent = rest.replace(/^\s+/, "");
          toBottom();
        };
      } else if (turn.answer) {
        reply.append(...renderAnswer(turn));
      } else {
        if (turn.partial) reply.append(h("p", { class: "partial", text: turn.partial }));
        const message = (turn.error && turn.error.message) || "The answer failed.";
        reply.append(problemBox(message, () => ask(turn), turn.status === "failed"));
      }
      const existing = shown.get(turn);
      shown.set(turn, article);
      if (existing && existing.isConnected) existing.replaceWith(article);
      else log.append(article);
      toBottom();
      return article;
    }

    function toBottom() {
      // Not scrollIntoView: in inline mode that would scroll the host page too.
      scroller.scrollTop = scroller.scrollHeight;
    }

    function renderAnswer(turn) {
      const answer = turn.answer;
      const byNumber = new Map((answer.citations || []).map((c) => [c.number, c]));
      const parts = [h("span", { class: "sr-only", text: "The desk answered: " })];
      // The direct answer first, then what the law says (the quotes), each [n] opening its provision.
      const lead = answer.lead || "";
      const rest = lead && answer.text.startsWith(lead) ? answer.text.slice(lead.length) : lead ? "" : answer.text;
      if (lead) parts.push(h("p", { class: "lead" }, withMarkers(lead, byNumber, answer)));
      const [heading, ...quotes] = rest.replace(/^\s+/, "").split("\n");
      const quotesHeading = QUOTES_HEADING.exec(heading || "");
      if (quotesHeading) {
        parts.push(h("h3", { class: "law", text: quotesHeading[1] }));
        parts.push(h("ul", { class: "quotes" }, quotes.filter(Boolean).map((line) => h("li", {}, withMarkers(line, byNumber, answer)))));
      } else if (rest.trim()) {
        for (const paragraph of rest.trim().split(/\n{2,}/)) parts.push(h("p", {}, withMarkers(paragraph, byNumber, answer)));
      }
      if (answer.clarify) {
        parts.push(h("p", { class: "clarify" }, h("strong", { text: "To be more precise: " }), answer.clarify));
      }
      if (answer.notes && answer.notes.length) {
        const notes = answer.notes.map((note) => h("li", { text: note }));
        parts.push(h("ul", { class: "notes", "aria-label": "When it applies" }, notes));
      }
      const unique = [...new Map((answer.citations || []).map((c) => [c.anchor, c])).values()];
      if (unique.length) {
        parts.push(
          h(
            "ul",
            { class: "chips", "aria-label": "Sources" },
            unique.map((citation) => h("li", {}, chip(citation, answer)))
          )
        );
      }
      parts.push(renderFeedback(turn));
      return parts;
    }

    /** The answer's words, with each [n] it cites made a button that opens the provision. */
    function withMarkers(text, byNumber, answer) {
      const nodes = [];
      let last = 0;
      for (const match of text.matchAll(/\[(\d+)\]/g)) {
        const citation = byNumber.get(Number(match[1]));
        if (!citation) continue;
        nodes.push(text.slice(last, match.index));
        nodes.push(
          h("button", {
            type: "button",
            class: "marker",
            "aria-label": `Source ${match[1]}: ${citation.label}`,
            text: match[0],
            onclick: (event) => openProvision(citation.anchor, { citation, answer, from: event.currentTarget }),
          })
        );
        last = match.index + match[0].length;
      }
      nodes.push(text.slice(last));
      return nodes;
    }

    function chip(citation, answer) {
      const tag = citation.authority && citation.authority !== "binding" ? ` · ${citation.authority}` : "";
      return h("button", {
        type: "button",
        class: "chip",
        "data-anchor": citation.anchor,
        text: citation.label + tag,
        onclick: (event) => openProvision(citation.anchor, { citation, answer, from: event.currentTarget }),
      });
    }

    /** A role the desk read in the question is shown in the selector, and said to be read. */
    function followRole(answer) {
      if (!answer.role || answer.role_source === "given" || answer.role === state.role) return;
      state.role = answer.role;
      roleSelect.value = answer.role;
      roleHint.textContent = "read from your question; change it if it is wrong";
    }

    // ------------------------------------------------------------ feedback and experts

    function renderFeedback(turn) {
      const answerId = turn.answer.id;
      turn.feedback = turn.feedback || {};
      const box = h("div", { class: "feedback" });
      const line = h("p", { class: "small", role: "status" });
      const thumbs = ["up", "down"].map((rating) =>
        h("button", {
          type: "button",
          class: "thumb",
          "data-rating": rating,
          "aria-pressed": String(turn.feedback.rating === rating),
          // Words, not emoji: many systems have no emoji font, and the name is what is read out.
          text: rating === "up" ? "Helpful" : "Not helpful",
          onclick: () => rate(rating),
        })
      );
      const comment = h("textarea", { rows: 2, maxlength: COMMENT_LIMIT, id: "comment-" + answerId });
      const commentForm = h(
        "form",
        {
          class: "mini",
          hidden: !turn.feedback.rating || turn.feedback.commented,
          onsubmit: (event) => (event.preventDefault(), sendComment()),
        },
        h("label", { for: comment.id, text: "Anything to add? (optional)" }),
        comment,
        h("button", { type: "submit", class: "quiet", text: "Send comment" })
      );
      const expertToggle = h("button", {
        type: "button",
        class: "quiet",
        "aria-expanded": "false",
        text: "Ask a human expert",
        onclick: () => {
          expertForm.hidden = !expertForm.hidden;
          expertToggle.setAttribute("aria-expanded", String(!expertForm.hidden));
          if (!expertForm.hidden) email.focus();
        },
      });
      const email = h("input", { type: "email", id: "email-" + answerId, autocomplete: "email", maxlength: 320 });
      const note = h("textarea", { rows: 2, maxlength: COMMENT_LIMIT, id: "expert-" + answerId });
      const expertForm = h(
        "form",
        // novalidate: the widget says what is wrong in its own words, in the status line.
        { class: "mini", hidden: true, novalidate: true, onsubmit: (event) => (event.preventDefault(), askExpert()) },
        h("label", { for: email.id, text: "Your email, for the reply (optional)" }),
        email,
        h("label", { for: note.id, text: "What should the expert know? (optional)" }),
        note,
        h("button", { type: "submit", class: "quiet", text: "Send to an expert" })
      );
      // Not a live region: a request sent moves the focus here (and is read out), and the
      // widget's status line announces the reply when it comes.
      const expertLine = h("div", { class: "expert", tabindex: "-1" });
      const rating = turn.expert ? thumbs : [...thumbs, expertToggle];
      const row = h("div", { class: "row", role: "group", "aria-label": "Rate this answer" }, rating);
      box.append(row, line, commentForm, expertForm, expertLine);
      showExpert();
      expertShown.set(turn, showExpert);

      async function rate(rating) {
        let stored;
        try {
          const path = `/api/answers/${encodeURIComponent(answerId)}/feedback`;
          stored = await api.json(path, { method: "POST", body: { rating }, secret: state.conversationSecret });
        } catch (error) {
          return failed(error, () => rate(rating));
        }
        turn.feedback = { rating, commented: false };
        memory.save(state);
        thumbs.forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.rating === rating)));
        line.textContent = ratingThanks(rating, stored.needs_review);
        commentForm.hidden = false;
      }

      async function sendComment() {
        if (!comment.value.trim()) return comment.focus();
        try {
          const body = { rating: turn.feedback.rating, comment: comment.value };
          const path = `/api/answers/${encodeURIComponent(answerId)}/feedback`;
          await api.json(path, { method: "POST", body, secret: state.conversationSecret });
        } catch (error) {
          return failed(error, sendComment);
        }
        turn.feedback.commented = true;
        memory.save(state);
        commentForm.hidden = true;
        line.textContent = "Thank you, your comment was sent.";
      }

      async function askExpert() {
        if (!email.checkValidity()) {
          line.textContent = "That email address does not look right; correct it or leave it empty.";
          return email.focus();
        }
        const body = {};
        if (email.value.trim()) body.email = email.value.trim();
        if (note.value.trim()) body.comment = note.value;
        try {
          const path = `/api/answers/${encodeURIComponent(answerId)}/expert`;
          const request = await api.json(path, { method: "POST", body, secret: state.conversationSecret });
          turn.expert = { id: request.id, status: request.status, reply: request.reply };
        } catch (error) {
          return failed(error, askExpert);
        }
        memory.save(state);
        expertForm.hidden = true;
        expertToggle.remove();
        line.textContent = "";
        showExpert();
        // The button pressed is gone: the focus goes to where the reply will show, not to the
        // page (where Escape would no longer close the panel), and is read out there.
        expertLine.focus();
        if (turn.expert.status === "pending") replies.start();
      }

      function showExpert() {
        const expert = turn.expert;
        if (!expert) return;
        expertLine.replaceChildren(
          expert.reply
            ? h("div", { class: "reply" }, h("strong", { text: "The expert's reply: " }), h("p", { text: expert.reply }))
            : expert.status === "unavailable"
              ? h("p", { class: "small", text: "The desk can no longer show the reply to this request here." })
              : h("p", { class: "small", text: "Sent to the desk's experts. Their reply will show here." })
        );
      }

      function failed(error, retry) {
        line.replaceChildren(
          userMessage(error instanceof DeskError ? error : new DeskError("failed")) + " ",
          h("button", { type: "button", class: "quiet", text: "Try again", onclick: retry })
        );
      }

      return box;
    }

    function pendingExperts() {
      return state.turns.filter((turn) => turn.answer && turn.expert && turn.expert.status === "pending");
    }

    function mayAskForReplies() {
      const open = !launcher || !panel.hidden;
      return open && document.visibilityState === "visible" && pendingExperts().length > 0;
    }

    /** Ask for each pending request's reply; true while one still waits. */
    async function checkExpertReplies() {
      for (const turn of pendingExperts()) await checkExpertReply(turn);
      return pendingExperts().length > 0;
    }

    async function checkExpertReply(turn) {
      let request;
      try {
        const path = `/api/answers/${encodeURIComponent(turn.answer.id)}/expert`;
        request = await api.json(path, { secret: state.conversationSecret });
      } catch (error) {
        // 403, 404: the desk will not show this request's reply to this widget again (the
        // conversation is gone, or the secret no longer opens it), so it stops asking.
        // Anything else (offline, a busy desk) is asked again at the next check.
        if (!(error instanceof DeskError) || !["refused", "not_found"].includes(error.kind)) return;
        turn.expert.status = "unavailable";
      }
      if (request && !request.reply) return;
      if (request) turn.expert = { id: request.id, status: request.status, reply: request.reply };
      memory.save(state);
      const show = expertShown.get(turn);
      if (show) show();
      if (request) announce("An expert at the desk replied: " + request.reply.slice(0, 300));
    }

    // ------------------------------------------------------------ reading a provision

    const trail = []; // what the reader shows, so "Back" returns through cross-references

    async function openProvision(anchor, context) {
      trail.push({ anchor, context });
      await showProvision(anchor, context);
    }

    async function showProvision(anchor, context) {
      log.hidden = true;
      reader.hidden = false;
      const back = h("button", {
        type: "button",
        class: "quiet back",
        text: trail.length > 1 ? "← Back" : "← Back to the conversation",
        onclick: closeReader,
      });
      reader.replaceChildren(back, h("p", { class: "small", role: "status", text: "Opening the provision…" }));
      let provision;
      try {
        provision = await api.json("/api/passages/" + encodeURIComponent(anchor));
      } catch (error) {
        const problem = error instanceof DeskError ? error : new DeskError("failed");
        reader.replaceChildren(back, problemBox(userMessage(problem), () => showProvision(anchor, context), true));
        return back.focus();
      }
      const heading = h("h3", { tabindex: "-1", text: provision.label });
      reader.replaceChildren(back, heading, ...renderProvision(provision, context));
      heading.focus();
    }

    function leaveReader() {
      trail.length = 0;
      reader.hidden = true;
      reader.replaceChildren();
      log.hidden = false;
    }

    function closeReader() {
      if (reader.hidden) return;
      const left = trail.pop();
      if (trail.length) {
        const previous = trail[trail.length - 1];
        return showProvision(previous.anchor, previous.context);
      }
      reader.hidden = true;
      reader.replaceChildren();
      log.hidden = false;
      const from = left && left.context && left.context.from;
      if (from && from.isConnected) from.focus();
      else question.focus();
    }

    function renderProvision(provision, context) {
      const citation = context.citation;
      const facts = [h("li", { text: AUTHORITY[provision.authority] || provision.authority })];
      if (provision.amended_by) {
        const what = provision.amendment ? ` (${provision.amendment})` : "";
        facts.push(h("li", { text: `As amended by ${provision.amended_by}${what}` }));
      }
      facts.push(h("li", { text: `Text as of ${longDate(provision.version)}` }));
      for (const note of applicationNotes(provision.label, context.answer)) facts.push(h("li", { text: note }));
      const parts = [];
      if (provision.heading_path && provision.heading_path.length) {
        parts.push(h("p", { class: "path", text: provision.heading_path.join(" › ") }));
      }
      parts.push(h("ul", { class: "facts" }, facts));
      const text = provision.text;
      const marks = findMarks(text, citation && citation.quote, provision.references, citation && citation.definitions);
      for (const [start, end] of paragraphs(text)) parts.push(h("p", { class: "law" }, markedText(text, start, end, marks)));
      const links = [
        ...(citation ? citation.definitions || [] : []).map((d) => ({ anchor: d.anchor, text: `“${d.term}” (${d.label})` })),
        ...dedupe(provision.references.filter((r) => r.anchor).map((r) => ({ anchor: r.anchor, text: r.label || r.text }))),
      ];
      if (links.length) {
        parts.push(h("h4", { text: "Defined terms and references" }));
        parts.push(h("ul", { class: "chips" }, links.map((link) => h("li", {}, provisionButton("chip", link.text, link.anchor)))));
      }
      const where = /^https:\/\/eur-lex\.europa\.eu\//.test(provision.deep_link) ? "Read it on EUR-Lex" : "Read the source";
      const source = safeLink(provision.deep_link, where);
      if (source) parts.push(h("p", { class: "source" }, source));
      return parts;
    }

    /** A button that opens another provision in the reader (a reference, a defined term). */
    function provisionButton(className, text, anchor, title) {
      return button(text, (event) => openProvision(anchor, { from: event.currentTarget }), { class: className, title });
    }

    /** The answer's notes on when this provision applies (Article 113), or that it was amended. */
    function applicationNotes(label, answer) {
      if (!answer || !answer.notes) return [];
      return answer.notes.filter((note) => {
        const colon = note.indexOf(": ");
        return colon > 0 && note.slice(0, colon).includes(label) && !/as amended by/.test(note);
      });
    }

    function dedupe(links) {
      return [...new Map(links.map((link) => [link.anchor, link])).values()];
    }

    /** Where the text breaks into paragraphs: [start, end) ranges. */
    function paragraphs(text) {
      const ranges = [];
      const pattern = /[^\n]+/g;
      let match;
      while ((match = pattern.exec(text))) ranges.push([match.index, match.index + match[0].length]);
      return ranges;
    }

    /** Ranges of the text to highlight (the quote) or to link (references, defined terms). */
    function findMarks(text, quote, references, definitions) {
      const marks = [];
      const free = (start, end) => marks.every((m) => end <= m.start || start >= m.end);
      const add = (start, end, mark) => start >= 0 && end > start && free(start, end) && marks.push({ start, end, ...mark });
      if (quote) {
        const at = text.indexOf(quote);
        add(at, at + quote.length, { kind: "quote" });
      }
      for (const reference of references || []) {
        if (!reference.anchor || !reference.text) continue;
        const at = text.indexOf(reference.text);
        const label = reference.label || reference.text;
        add(at, at + reference.text.length, { kind: "link", anchor: reference.anchor, label });
      }
      for (const definition of definitions || []) {
        if (!definition.term) continue;
        const at = text.toLowerCase().indexOf(definition.term.toLowerCase());
        add(at, at + definition.term.length, { kind: "link", anchor: definition.anchor, label: definition.label });
      }
      return marks.sort((a, b) => a.start - b.start);
    }

    function markedText(text, start, end, marks) {
      const nodes = [];
      let at = start;
      for (const mark of marks) {
        if (mark.end <= start || mark.start >= end) continue;
        const from = Math.max(mark.start, start);
        const to = Math.min(mark.end, end);
        nodes.push(text.slice(at, from));
        const words = text.slice(from, to);
        nodes.push(
          mark.kind === "quote"
            ? h("mark", { text: words })
            : provisionButton("ref", words, mark.anchor, mark.label)
        );
        at = to;
      }
      nodes.push(text.slice(at, end));
      return nodes;
    }
  }

  // ---------------------------------------------------------------- styles (inside the shadow root)

  function adoptStyles(root) {
    if ("adoptedStyleSheets" in root && typeof CSSStyleSheet === "function" && "replaceSync" in CSSStyleSheet.prototype) {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(STYLES);
      root.adoptedStyleSheets = [sheet];
    } else {
      root.append(h("style", { text: STYLES }));
    }
  }

  // Colours meet WCAG AAA contrast (7:1) on the default backgrounds (accent #0b4ea2 on white: 8:1).
  const STYLES = `
:host { all: initial; --a: var(--desk-accent, #0b4ea2); --bg: var(--desk-background, #ffffff);
  --fg: var(--desk-text, #1b1b1f); --muted: #4a4a52; --line: #c9cbd3; --soft: #eef1f7;
  --r: var(--desk-radius, 12px); }
:host([data-mode="inline"]) { display: block; }
/* Set here, not inherited from the host element: a page's "* { font: ... !important }" reaches it. */
.panel, .launcher { font: 15px/1.45 var(--desk-font, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
  color: var(--fg); text-align: left; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
button, select, textarea, input { font: inherit; color: inherit; }
button { cursor: pointer; }
:focus-visible { outline: 3px solid var(--a); outline-offset: 2px; }
.launcher { position: fixed; bottom: 20px; right: 20px; z-index: 2147483000; border: 0; border-radius: 999px;
  padding: 12px 20px; background: var(--a); color: #fff; font-weight: 600; box-shadow: 0 4px 16px rgb(0 0 0 / .25); }
:host([data-position="left"]) .launcher { right: auto; left: 20px; }
:host([data-mode="launcher"]) .panel { position: fixed; bottom: 84px; right: 20px; z-index: 2147483000;
  width: min(420px, calc(100vw - 40px)); height: min(640px, calc(100vh - 110px)); box-shadow: 0 8px 32px rgb(0 0 0 / .3); }
:host([data-position="left"]) .panel { right: auto; left: 20px; }
:host([data-mode="inline"]) .panel { height: var(--desk-height, 600px); }
.panel { display: flex; flex-direction: column; background: var(--bg); border: 1px solid var(--line);
  border-radius: var(--r); overflow: hidden; }
header { display: flex; align-items: center; gap: 8px; padding: 10px 12px; background: var(--a); color: #fff; }
header h2 { flex: 1; margin: 0; font-size: 16px; }
header button { background: transparent; color: #fff; border: 1px solid rgb(255 255 255 / .7); border-radius: 8px;
  padding: 4px 10px; }
header .icon { font-size: 20px; line-height: 1; padding: 2px 10px; }
header :focus-visible { outline-color: #fff; }
.role { display: flex; align-items: center; gap: 8px; padding: 6px 12px; border-bottom: 1px solid var(--line); font-size: 14px; }
.role select { flex: 1; min-width: 0; padding: 4px; border: 1px solid var(--muted); border-radius: 6px; background: var(--bg); }
.body { flex: 1; overflow-y: auto; padding: 12px; }
.greeting { color: var(--muted); margin-top: 0; }
.turn { margin-bottom: 16px; }
.question { margin: 0 0 8px auto; max-width: 85%; width: fit-content; padding: 8px 12px; border-radius: var(--r);
  background: var(--a); color: #fff; white-space: pre-wrap; overflow-wrap: anywhere; }
.answer { padding: 8px 12px; border-radius: var(--r); background: var(--soft); overflow-wrap: anywhere; }
.answer p { margin: 0 0 8px; white-space: pre-wrap; }
.answer .lead { border-left: 3px solid var(--a); padding-left: 8px; font-size: 15px; }
.answer .law { font-size: 13px; margin: 10px 0 4px; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
.answer .quotes { margin: 0 0 8px; padding-left: 18px; font-size: 14px; }
.answer .quotes li { margin-bottom: 4px; }
.role { flex-wrap: wrap; }
.role .hint { flex-basis: 100%; font-size: 12px; color: var(--muted); }
.role .hint:empty { display: none; }
.marker { border: 0; background: none; color: var(--a); font-weight: 600; padding: 0 1px; text-decoration: underline; }
.chips { list-style: none; display: flex; flex-wrap: wrap; gap: 6px; padding: 0; margin: 8px 0; }
.chip { border: 1px solid var(--a); color: var(--a); background: var(--bg); border-radius: 999px; padding: 3px 10px; font-size: 13px; }
.chip:hover { background: var(--a); color: #fff; }
.notes { margin: 4px 0 8px; padding-left: 18px; font-size: 13px; color: var(--muted); }
.clarify { border-left: 3px solid var(--a); padding-left: 8px; }
.typing { display: inline-flex; gap: 4px; padding: 4px 0; }
.typing i { width: 7px; height: 7px; border-radius: 50%; background: var(--muted); animation: blink 1s infinite; }
.typing i:nth-child(2) { animation-delay: .2s; } .typing i:nth-child(3) { animation-delay: .4s; }
@keyframes blink { 50% { opacity: .2; } }
@media (prefers-reduced-motion: reduce) { .typing i { animation: none; } }
.error { border-left: 3px solid #b3261e; padding-left: 8px; color: #8c1d18; }
.error p { margin: 0 0 6px; }
.partial { color: var(--muted); }
.feedback { margin-top: 6px; border-top: 1px solid var(--line); padding-top: 6px; }
.row { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
.thumb { border: 1px solid var(--muted); background: var(--bg); border-radius: 8px; padding: 2px 8px; font-size: 14px; }
.thumb[aria-pressed="true"] { border-color: var(--a); background: var(--a); color: #fff; }
.quiet { border: 1px solid var(--a); color: var(--a); background: var(--bg); border-radius: 8px; padding: 3px 10px; font-size: 14px; }
.small, .expert { font-size: 13px; color: var(--muted); margin: 4px 0; }
.reply { color: var(--fg); background: var(--bg); border-radius: 8px; padding: 6px 8px; }
.mini { display: flex; flex-direction: column; gap: 4px; margin-top: 6px; font-size: 14px; }
.mini textarea, .mini input { width: 100%; padding: 6px; border: 1px solid var(--muted); border-radius: 6px; background: var(--bg); font-size: 16px; }
.mini button { align-self: flex-start; }
.composer { display: flex; gap: 8px; padding: 8px 12px; border-top: 1px solid var(--line); }
.composer textarea { flex: 1; resize: none; padding: 8px; border: 1px solid var(--muted); border-radius: 8px; font-size: 16px; background: var(--bg); }
.send, .stop { border: 0; border-radius: 8px; padding: 0 16px; background: var(--a); color: #fff; font-weight: 600; }
.stop { background: #8c1d18; }
.length { margin: 0; padding: 6px 12px 0; font-size: 13px; color: #8c1d18; }
.composer textarea[aria-invalid="true"] { border-color: #b3261e; }
.notice { margin: 0; padding: 6px 12px 8px; font-size: 12px; color: var(--muted); }
.reader h3 { margin: 8px 0 4px; font-size: 17px; }
.reader h4 { margin: 12px 0 4px; font-size: 14px; }
.path { font-size: 13px; color: var(--muted); margin: 0 0 6px; }
.facts { margin: 0 0 8px; padding-left: 18px; font-size: 13px; }
.law { white-space: pre-wrap; margin: 0 0 8px; }
.ref { border: 0; background: none; padding: 0; color: var(--a); text-decoration: underline; font: inherit; }
mark { background: #fff0a6; color: inherit; }
.source a { color: var(--a); font-weight: 600; }
@media (max-width: 480px) {
  :host([data-mode="launcher"]) .panel { inset: 0; width: 100vw; height: 100dvh; border-radius: 0; border: 0; }
  :host([data-mode="launcher"][data-open]) .launcher { display: none; }
  header button.quiet { padding: 4px 6px; font-size: 13px; }
}
`;

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
