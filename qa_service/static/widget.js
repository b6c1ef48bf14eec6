/* policy-qa chat widget.
 *
 * Embed with one tag:  <script src="https://HOST/widget.js" async></script>
 * Optional settings, set before the tag:
 *   <script>window.PolicyQAWidget = { position: "left", title: "Privacy questions", open: true };</script>
 * or as attributes of the tag: data-position, data-title, data-open.
 *
 * Everything lives in a shadow root under one <policy-qa-widget> element appended to <body>:
 * the host page's CSS cannot reach it and it changes nothing else on the page. Text from the
 * visitor or the server only ever goes into the DOM as text (textContent, text nodes).
 */
(() => {
  "use strict";

  const TAG = "policy-qa-widget";
  const script = document.currentScript;
  if (document.querySelector(TAG)) return; // the tag was pasted twice

  // The API lives next to this script, wherever the page that embeds it is.
  const scriptSrc = script && script.src ? script.src : new URL("/widget.js", location.href).href;
  const base = new URL(".", scriptSrc);
  const url = (path) => new URL(path, base).href;

  const given = Object.assign(
    {},
    typeof window.PolicyQAWidget === "object" && window.PolicyQAWidget ? window.PolicyQAWidget : {},
    script ? attributeSettings(script) : {},
  );
  const settings = {
    position: given.position === "left" ? "left" : "right",
    title:
      typeof given.title === "string" && given.title.trim()
        ? given.title.trim().slice(0, 60)
        : "Privacy questions",
    open: given.open === true || given.open === "true",
  };

  function attributeSettings(tag) {
    const out = {};
    if (tag.dataset.position) out.position = tag.dataset.position;
    if (tag.dataset.title) out.title = tag.dataset.title;
    if (tag.dataset.open) out.open = tag.dataset.open;
    return out;
  }

  // --- DOM helpers: text only, never markup ------------------------------------------------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "text") node.textContent = String(value);
      else if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child !== null && child !== undefined && child !== false) node.append(child);
    }
    return node;
  }

  const ICONS = {
    chat: "M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H10l-4.2 3.6c-.5.4-1.3.1-1.3-.6V16A2.5 2.5 0 0 1 4 13.5v-8Z",
    close: "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4 6.4 5Z",
    send: "M3.4 20.4 21 12 3.4 3.6l-.1 6.5L15 12 3.3 13.9l.1 6.5Z",
    mail: "M4 5h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2Zm0 2v.4l8 5 8-5V7H4Zm16 2.7-7.5 4.7a1 1 0 0 1-1 0L4 9.7V17h16V9.7Z",
    phone: "M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2c.3-.3.7-.4 1-.2 1.1.4 2.3.6 3.6.6.6 0 1 .4 1 1V20c0 .6-.4 1-1 1A17 17 0 0 1 3 4c0-.6.4-1 1-1h3.5c.6 0 1 .4 1 1 0 1.3.2 2.5.6 3.6.1.3 0 .7-.2 1l-2.3 2.2Z",
    shield: "M12 2 4 5v6c0 5 3.4 9.7 8 11 4.6-1.3 8-6 8-11V5l-8-3Zm-1.2 14.2-3.5-3.5 1.4-1.4 2.1 2.1 4.9-4.9 1.4 1.4-6.3 6.3Z",
    up: "M2 21h4V9H2v12Zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6v-.3c0-.4-.2-.8-.4-1.1L13.2 1 6.6 7.6C6.2 8 6 8.5 6 9v10a2 2 0 0 0 2 2h9c.8 0 1.5-.5 1.8-1.2l3-7.1c.1-.2.2-.5.2-.7v-2Z",
    down: "M22 3h-4v12h4V3ZM2 14a2 2 0 0 0 2 2h6.3l-1 4.6v.3c0 .4.2.8.4 1.1l1.1 1 6.6-6.6c.4-.4.6-.9.6-1.4V5a2 2 0 0 0-2-2H7c-.8 0-1.5.5-1.8 1.2l-3 7.1c-.1.2-.2.5-.2.7v2Z",
  };

  function icon(name, size = 20) {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", String(size));
    svg.setAttribute("height", String(size));
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", ICONS[name]);
    path.setAttribute("fill", "currentColor");
    svg.append(path);
    return svg;
  }

  const srOnly = (text) => el("span", { class: "sr", text });

  function mailtoHref(email) {
    return /^[^\s@<>"'()]+@[^\s@<>"'()]+\.[^\s@<>"'()]+$/.test(email) ? `mailto:${email}` : null;
  }

  function telHref(phone) {
    const digits = phone.replace(/\D/g, "");
    if (digits.length < 3) return null;
    return `tel:${phone.trim().startsWith("+") ? "+" : ""}${digits}`;
  }

  /** An email address that may wrap after its "@" rather than anywhere. */
  function breakable(email) {
    const at = email.indexOf("@");
    if (at < 0) return email;
    return el("span", {}, email.slice(0, at + 1), el("wbr"), email.slice(at + 1));
  }

  const isText = (value) => typeof value === "string" && value.trim() !== "";

  // --- styles --------------------------------------------------------------------------------

  const CSS = `
:host { all: initial; }
.pqa, .pqa * { box-sizing: border-box; }
.pqa {
  all: initial;
  --bg: #ffffff; --text: #1b1f24; --muted: #5b6472; --border: #e3e6eb;
  --accent: #2f55d4; --accent-strong: #2443ad; --accent-soft: #eaf0ff;
  --fill: #2f55d4; --fill-strong: #2443ad; --fill-text: #ffffff;
  --bot: #f1f3f6; --cite-bg: #fff6d6; --cite-edge: #e5b400; --error: #b42318; --error-bg: #fef3f2;
  --shadow: 0 12px 40px rgba(16, 24, 40, .18), 0 2px 6px rgba(16, 24, 40, .08);
  font: 15px/1.5 ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", sans-serif;
  color: var(--text);
  color-scheme: light;
  -webkit-font-smoothing: antialiased;
  letter-spacing: normal; text-transform: none; text-align: left; direction: ltr;
}
@media (prefers-color-scheme: dark) {
  .pqa {
    --bg: #171a21; --text: #e7e9ee; --muted: #9ca4b3; --border: #2b303b;
    --accent: #9db2ff; --accent-strong: #c0cdff; --accent-soft: #1f2947;
    --fill: #3b5bd6; --fill-strong: #4a6ae6; --fill-text: #ffffff;
    --bot: #232835; --cite-bg: #2d2610; --cite-edge: #d9a800; --error: #ff9c8f; --error-bg: #3a1714;
    --shadow: 0 12px 40px rgba(0, 0, 0, .55), 0 2px 6px rgba(0, 0, 0, .4);
    color-scheme: dark;
  }
}
.sr { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
button { font: inherit; color: inherit; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
a { color: var(--accent); text-underline-offset: 2px; }
a:hover { color: var(--accent-strong); }

.launcher {
  position: fixed; bottom: 20px; right: 20px; z-index: 2;
  display: grid; place-items: center; width: 60px; height: 60px; padding: 0;
  border: 0; border-radius: 50%; cursor: pointer;
  background: var(--fill); color: var(--fill-text);
  box-shadow: var(--shadow);
  transition: transform .15s ease, background .15s ease;
}
.launcher:hover { transform: scale(1.05); background: var(--fill-strong); }
.launcher:focus-visible { outline-offset: 4px; }
.launcher .when-open { display: none; }
.pqa[data-open="true"] .launcher .when-open { display: block; }
.pqa[data-open="true"] .launcher .when-closed { display: none; }
.pqa[data-pos="left"] .launcher { right: auto; left: 20px; }

.panel {
  position: fixed; bottom: 92px; right: 20px; z-index: 1;
  display: flex; flex-direction: column;
  width: 380px; height: min(620px, calc(100vh - 120px)); max-height: calc(100vh - 120px);
  overflow: hidden;
  background: var(--bg); border: 1px solid var(--border); border-radius: 18px;
  box-shadow: var(--shadow);
  animation: rise .18s ease-out;
}
.panel[hidden] { display: none; }
.pqa[data-pos="left"] .panel { right: auto; left: 20px; }
@keyframes rise { from { opacity: 0; transform: translateY(8px); } to { opacity: 1; transform: none; } }
@media (prefers-reduced-motion: reduce) {
  .panel, .dot { animation: none !important; }
  .launcher { transition: none; }
  .log { scroll-behavior: auto; }
}

.head {
  display: flex; align-items: center; gap: 12px; padding: 14px 14px 14px 16px;
  background: var(--fill); color: var(--fill-text);
}
.avatar {
  display: grid; place-items: center; flex: none; width: 36px; height: 36px; border-radius: 50%;
  background: rgba(255, 255, 255, .18);
}
.heading { flex: 1; min-width: 0; }
.title { margin: 0; font-size: 16px; font-weight: 700; line-height: 1.3; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.sub { margin: 2px 0 0; font-size: 12.5px; line-height: 1.35; opacity: .88; }
.close {
  display: grid; place-items: center; flex: none; width: 36px; height: 36px; padding: 0;
  border: 0; border-radius: 10px; background: transparent; color: inherit; cursor: pointer;
}
.close:hover { background: rgba(255, 255, 255, .16); }
.close:focus-visible { outline-color: var(--fill-text); outline-offset: -3px; }

.log {
  flex: 1; min-height: 0; overflow-y: auto; overscroll-behavior: contain;
  display: flex; flex-direction: column; gap: 10px; padding: 16px 14px 8px;
  scroll-behavior: smooth;
}
.row { display: flex; }
.row.visitor { justify-content: flex-end; }
.bubble {
  max-width: 86%; margin: 0; padding: 10px 13px; border-radius: 16px;
  overflow-wrap: anywhere; white-space: pre-wrap;
}
.visitor .bubble { background: var(--fill); color: var(--fill-text); border-bottom-right-radius: 5px; }
.bot .bubble { background: var(--bot); border-bottom-left-radius: 5px; white-space: normal; }
.bot .bubble > p { margin: 0; white-space: pre-wrap; }
.bot .bubble > * + * { margin-top: 8px; }

.cite {
  margin: 0; padding: 9px 11px; border-left: 3px solid var(--cite-edge);
  border-radius: 4px 10px 10px 4px; background: var(--cite-bg);
}
.cite figcaption {
  margin: 0 0 3px; color: var(--muted); font-size: 11.5px; font-weight: 700;
  letter-spacing: .05em; text-transform: uppercase;
}
.cite blockquote { margin: 0; font-size: 14px; line-height: 1.5; }
.cite blockquote::before { content: "\\201C"; }
.cite blockquote::after { content: "\\201D"; }
.cite a { display: inline-block; margin-top: 6px; font-size: 13px; font-weight: 600; }

.contact { display: flex; flex-direction: column; gap: 6px; }
.contact a {
  display: flex; align-items: center; gap: 8px; padding: 8px 10px;
  border: 1px solid var(--border); border-radius: 10px; background: var(--bg);
  font-size: 14px; font-weight: 600; text-decoration: none; overflow-wrap: break-word; min-width: 0;
}
.contact a:hover { border-color: var(--accent); }
.contact svg { flex: none; }

.chips { display: flex; flex-wrap: wrap; gap: 6px; padding-left: 2px; }
.chip {
  padding: 6px 11px; border: 1px solid var(--accent); border-radius: 999px;
  background: transparent; color: var(--accent); font-size: 13.5px; line-height: 1.3;
  text-align: left; cursor: pointer;
}
.chip:hover { background: var(--accent-soft); }

.typing .bubble { display: inline-flex; align-items: center; gap: 5px; padding: 13px 14px; }
.dot { width: 7px; height: 7px; border-radius: 50%; background: var(--muted); animation: blink 1.2s infinite ease-in-out; }
.dot:nth-child(3) { animation-delay: .15s; }
.dot:nth-child(4) { animation-delay: .3s; }
@keyframes blink { 0%, 80%, 100% { opacity: .25; transform: translateY(0); } 40% { opacity: 1; transform: translateY(-3px); } }

.error .bubble { background: var(--error-bg); color: var(--text); border: 1px solid color-mix(in srgb, var(--error) 35%, transparent); }
.retry {
  padding: 6px 12px; border: 1px solid var(--error); border-radius: 8px;
  background: transparent; color: var(--error); font-weight: 600; cursor: pointer;
}

.composer {
  display: flex; align-items: center; gap: 8px; margin: 0; padding: 10px 12px;
  border-top: 1px solid var(--border);
}
.input {
  flex: 1; min-width: 0; height: 42px; padding: 0 14px;
  border: 1.5px solid var(--border); border-radius: 999px;
  background: var(--bg); color: var(--text); font: inherit; font-size: 15px;
}
.input::placeholder { color: var(--muted); opacity: 1; }
.input:focus { outline: none; border-color: var(--accent); box-shadow: 0 0 0 3px var(--accent-soft); }
.send {
  display: grid; place-items: center; flex: none; width: 42px; height: 42px; padding: 0;
  border: 0; border-radius: 50%; background: var(--fill); color: var(--fill-text); cursor: pointer;
}
.send:disabled { opacity: .55; cursor: default; }
.foot { margin: 0; padding: 0 14px 10px; color: var(--muted); font-size: 11.5px; text-align: center; }
.foot + .foot { margin-top: -6px; }

.feedback { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 6px; font-size: 12.5px; color: var(--muted); }
.vote {
  display: grid; place-items: center; width: 30px; height: 30px; padding: 0;
  border: 1px solid var(--border); border-radius: 8px; background: var(--bg); color: var(--muted); cursor: pointer;
}
.vote:hover { border-color: var(--accent); color: var(--accent); }
.vote[aria-pressed="true"] { border-color: var(--accent); background: var(--accent-soft); color: var(--accent); }
.vote-note { margin: 0; }
.more { display: flex; flex-direction: column; gap: 6px; width: 100%; margin: 2px 0 0; }
.more[hidden] { display: none; }
.more label { color: var(--text); font-weight: 600; }
.more textarea {
  min-height: 56px; padding: 7px 9px; resize: vertical;
  border: 1.5px solid var(--border); border-radius: 10px; background: var(--bg); color: var(--text); font: inherit; font-size: 14px;
}
.more textarea:focus { outline: none; border-color: var(--accent); box-shadow: 0 0 0 3px var(--accent-soft); }
.more button {
  align-self: flex-end; padding: 5px 12px; border: 0; border-radius: 8px;
  background: var(--fill); color: var(--fill-text); font-size: 13px; font-weight: 600; cursor: pointer;
}

@media (max-width: 480px) {
  .panel, .pqa[data-pos="left"] .panel {
    inset: 0; width: 100%; height: 100%; max-height: none; border: 0; border-radius: 0;
  }
  .pqa[data-open="true"] .launcher { display: none; }
  .launcher { bottom: 16px; right: 16px; }
  .pqa[data-pos="left"] .launcher { left: 16px; }
  .composer { padding-bottom: max(10px, env(safe-area-inset-bottom)); }
  .bubble { max-width: 92%; }
  .input { font-size: 16px; } /* no zoom-on-focus on iOS */
}
`;

  // --- build ----------------------------------------------------------------------------------

  const host = document.createElement(TAG);
  // Inline !important beats any rule of the host page that could hide or move the widget.
  for (const [prop, value] of [
    ["all", "initial"],
    ["display", "block"],
    ["position", "fixed"],
    ["z-index", "2147483000"],
    ["width", "0"],
    ["height", "0"],
    ["bottom", "0"],
    ["right", "0"],
    ["visibility", "visible"],
    ["opacity", "1"],
    ["transform", "none"],
    ["filter", "none"],
    ["pointer-events", "auto"],
  ]) {
    host.style.setProperty(prop, value, "important");
  }
  const root = host.attachShadow({ mode: "open" });
  if ("adoptedStyleSheets" in root && typeof CSSStyleSheet === "function") {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } else {
    root.append(el("style", { text: CSS }));
  }

  const state = {
    open: false,
    greeted: false,
    busy: false,
    config: null,
    configFailed: false,
    lastQuestion: null,
    votes: 0, // feedback boxes made, for their ids
  };

  const launcher = el(
    "button",
    {
      class: "launcher",
      type: "button",
      "aria-label": "Ask a privacy question",
      "aria-expanded": "false",
      "aria-controls": "pqa-panel",
      onclick: () => (state.open ? close() : open(true)),
    },
    el("span", { class: "when-closed" }, icon("chat", 28)),
    el("span", { class: "when-open" }, icon("close", 26)),
  );

  const titleEl = el("h2", { class: "title", id: "pqa-title", text: settings.title });
  const subEl = el("p", { class: "sub", text: "Answers quote the privacy statement" });
  const log = el("div", {
    class: "log",
    role: "log",
    "aria-live": "polite",
    "aria-relevant": "additions",
    "aria-label": "Conversation",
  });
  const input = el("input", {
    class: "input",
    id: "pqa-input",
    type: "text",
    autocomplete: "off",
    enterkeyhint: "send",
    maxlength: "1000",
    placeholder: "Ask about your privacy…",
  });
  const send = el("button", { class: "send", type: "submit", "aria-label": "Send question" }, icon("send", 20));
  const policyLink = el("a", {
    href: url("policy"),
    target: "_blank",
    rel: "noopener",
    text: "privacy statement",
  });
  // While the server keeps insights, one line says so (filled in from widget.json).
  const noticeEl = el("p", { class: "foot notice", hidden: true });
  const panel = el(
    "section",
    {
      class: "panel",
      id: "pqa-panel",
      role: "dialog",
      "aria-labelledby": "pqa-title",
      "aria-describedby": "pqa-sub",
      hidden: true,
      onkeydown: (event) => {
        if (event.key === "Tab" && phone.matches) trapFocus(event);
      },
    },
    el(
      "header",
      { class: "head" },
      el("div", { class: "avatar" }, icon("shield", 20)),
      el("div", { class: "heading" }, titleEl, subEl),
      el(
        "button",
        { class: "close", type: "button", "aria-label": "Close chat", onclick: () => close() },
        icon("close", 20),
      ),
    ),
    log,
    el(
      "form",
      {
        class: "composer",
        onsubmit: (event) => {
          event.preventDefault();
          submit(input.value);
        },
      },
      el("label", { class: "sr", for: "pqa-input", text: "Your question" }),
      input,
      send,
    ),
    el("p", { class: "foot" }, "Answers come only from the ", policyLink, "."),
    noticeEl,
  );
  subEl.id = "pqa-sub";

  const widget = el(
    "div",
    {
      class: "pqa",
      "data-pos": settings.position,
      "data-open": "false",
      onkeydown: (event) => {
        if (event.key === "Escape" && state.open) {
          event.stopPropagation();
          close();
        }
      },
    },
    panel,
    launcher,
  );
  root.append(widget);

  // --- open and close ----------------------------------------------------------------------------

  // On a phone the panel covers the page, so it is modal and Tab stays inside it.
  const phone = window.matchMedia("(max-width: 480px)");

  function trapFocus(event) {
    const focusable = Array.from(panel.querySelectorAll("button, a[href], input")).filter(
      (node) => !node.disabled && node.getClientRects().length > 0,
    );
    if (!focusable.length) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    const active = root.activeElement;
    if (event.shiftKey && active === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first.focus();
    }
  }

  function open(focus) {
    state.open = true;
    panel.hidden = false;
    widget.dataset.open = "true";
    launcher.setAttribute("aria-expanded", "true");
    launcher.setAttribute("aria-label", "Close privacy questions");
    panel.setAttribute("aria-modal", phone.matches ? "true" : "false");
    greet();
    if (focus) input.focus();
    scrollDown();
  }

  function close() {
    state.open = false;
    panel.hidden = true;
    widget.dataset.open = "false";
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-label", "Ask a privacy question");
    launcher.focus();
  }

  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }

  // --- messages ----------------------------------------------------------------------------------

  function add(node) {
    log.append(node);
    scrollDown();
    return node;
  }

  function removeChips() {
    for (const group of log.querySelectorAll(".chips")) group.remove();
  }

  function chips(questions) {
    const list = (Array.isArray(questions) ? questions : []).filter(isText).slice(0, 4);
    if (!list.length) return;
    add(
      el(
        "div",
        { class: "chips", role: "group", "aria-label": "Suggested questions" },
        list.map((q) =>
          el("button", {
            class: "chip",
            type: "button",
            text: q,
            onclick: () => {
              submit(q);
              input.focus();
            },
          }),
        ),
      ),
    );
  }

  function botRow(status, ...content) {
    return el(
      "div",
      { class: "row bot", "data-status": status },
      el("div", { class: "bubble" }, srOnly("Assistant: "), ...content),
    );
  }

  function greet() {
    if (state.greeted) return;
    if (!state.config && !state.configFailed) return; // greet() runs again when it arrives
    state.greeted = true;
    const config = state.config || {};
    const text = isText(config.greeting)
      ? config.greeting
      : "Hi! Ask me anything about this website's privacy statement.";
    add(botRow("greeting", el("p", { text })));
    chips(config.suggestions);
  }

  function citation(item, index) {
    if (!item || !isText(item.clause_id) || !isText(item.text)) return null;
    const href = url(`policy#${encodeURIComponent(item.clause_id)}`);
    const where = Number.isInteger(item.position) ? `Cited clause ${item.position}` : "Cited clause";
    return el(
      "figure",
      { class: "cite", "data-clause": item.clause_id },
      el("figcaption", { text: index ? `${where} (also relevant)` : where }),
      el("blockquote", { text: item.text }),
      el(
        "a",
        {
          href,
          target: "_blank",
          rel: "noopener",
          class: "cite-link",
          "aria-label": `Read ${where.toLowerCase()} in the privacy statement (opens in a new tab)`,
        },
        "See it in the policy ↗",
      ),
    );
  }

  function contactLinks(contact) {
    if (!contact || typeof contact !== "object") return null;
    const links = [];
    if (isText(contact.email)) {
      const href = mailtoHref(contact.email.trim());
      links.push(
        href
          ? el("a", { href, class: "contact-email" }, icon("mail", 18), srOnly("Email "), breakable(contact.email))
          : el("span", { text: contact.email }),
      );
    }
    if (isText(contact.phone)) {
      const href = telHref(contact.phone);
      links.push(
        href
          ? el("a", { href, class: "contact-phone" }, icon("phone", 18), srOnly("Call "), contact.phone)
          : el("span", { text: contact.phone }),
      );
    }
    return links.length ? el("div", { class: "contact", role: "group", "aria-label": "Contact" }, links) : null;
  }

  function showAnswer(data) {
    const cites = (Array.isArray(data.citations) ? data.citations : []).slice(0, 3);
    const parts = cites.map(citation).filter(Boolean);
    // The answer quotes its clauses; say the rest (such as "No.") and show the quotes as citations.
    let text = data.answer;
    for (const item of cites) {
      if (item && isText(item.text)) text = text.split(item.text).join(" ");
    }
    text = text.replace(/\s+/g, " ").trim();
    if (!parts.length) text = data.answer;
    else if (/^[\s.,;:!?"“”]*$/.test(text)) text = "Our privacy statement says:";
    parts.unshift(el("p", { class: "answer", text }));
    if (["fallback", "handoff"].includes(data.status)) parts.push(contactLinks(data.contact));
    parts.push(feedbackControls(data.answer_id));
    add(botRow(isText(data.status) ? data.status : "answered", parts));
    chips(data.suggestions);
  }

  /** Thumbs up and down under an answer, and after a thumbs-down an optional "What were you
   * looking for?" box (its text replaces the vote with one that carries it). Nothing when
   * the server keeps no insights: then answers come without an answer_id. */
  function feedbackControls(answerId) {
    if (!isText(answerId)) return null;
    const boxId = `pqa-more-${++state.votes}`;
    const note = el("p", { class: "vote-note", role: "status" });
    const send = (body) =>
      fetch(url("api/v1/feedback"), {
        method: "POST",
        mode: "cors",
        credentials: "omit",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ answer_id: answerId, ...body }),
      })
        .then((response) => response.ok)
        .catch(() => false);
    const box = el("textarea", { id: boxId, maxlength: "500", rows: "2" });
    const more = el(
      "form",
      {
        class: "more",
        hidden: true,
        onsubmit: async (event) => {
          event.preventDefault();
          const comment = box.value.trim();
          if (!comment) return;
          const ok = await send({ helpful: false, comment });
          note.textContent = ok ? "Thank you: this helps us improve the answers." : "That could not be sent.";
          if (ok) more.hidden = true;
        },
      },
      el("label", { for: boxId, text: "What were you looking for? (optional)" }),
      box,
      el("button", { type: "submit", text: "Send" }),
    );
    const vote = async (helpful) => {
      up.setAttribute("aria-pressed", String(helpful));
      down.setAttribute("aria-pressed", String(!helpful));
      const ok = await send({ helpful });
      note.textContent = ok ? "Thanks for your feedback." : "Your feedback could not be sent.";
      more.hidden = helpful || !ok;
      if (!more.hidden) box.focus();
    };
    const up = el(
      "button",
      { class: "vote", type: "button", "aria-label": "Helpful", "aria-pressed": "false", onclick: () => vote(true) },
      icon("up", 16),
    );
    const down = el(
      "button",
      { class: "vote", type: "button", "aria-label": "Not helpful", "aria-pressed": "false", onclick: () => vote(false) },
      icon("down", 16),
    );
    return el("div", { class: "feedback", role: "group", "aria-label": "Was this answer helpful?" }, up, down, note, more);
  }

  function showTyping() {
    return add(
      el(
        "div",
        { class: "row bot typing" },
        el(
          "div",
          { class: "bubble" },
          srOnly("The assistant is typing…"),
          el("span", { class: "dot", "aria-hidden": "true" }),
          el("span", { class: "dot", "aria-hidden": "true" }),
          el("span", { class: "dot", "aria-hidden": "true" }),
        ),
      ),
    );
  }

  function showError(question, message, canRetry) {
    const row = el(
      "div",
      { class: "row bot error", "data-status": "error" },
      el(
        "div",
        { class: "bubble" },
        srOnly("Assistant: "),
        el("p", { text: message }),
        canRetry
          ? el("button", {
              class: "retry",
              type: "button",
              text: "Try again",
              onclick: () => {
                row.remove();
                ask(question);
                input.focus();
              },
            })
          : null,
      ),
    );
    add(row);
  }

  // --- asking ------------------------------------------------------------------------------------

  function submit(raw) {
    const question = String(raw || "").trim();
    if (!question || state.busy) return;
    input.value = "";
    removeChips();
    add(el("div", { class: "row visitor" }, el("p", { class: "bubble" }, srOnly("You: "), question)));
    ask(question);
  }

  async function ask(question) {
    state.busy = true;
    state.lastQuestion = question;
    send.disabled = true;
    const typing = showTyping();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 20000);
    try {
      let response;
      try {
        response = await fetch(url("api/v1/ask"), {
          method: "POST",
          mode: "cors",
          credentials: "omit",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify({ question, channel: "widget" }),
          signal: controller.signal,
        });
      } catch (err) {
        showError(
          question,
          "I couldn't reach the server. Please check your connection and try again.",
          true,
        );
        return;
      }
      if (response.status === 429) {
        const wait = parseInt(response.headers.get("Retry-After") || "", 10);
        const when = Number.isFinite(wait) && wait > 0 ? `in ${wait} second${wait === 1 ? "" : "s"}` : "in a moment";
        showError(question, `Too many questions at once. Please try again ${when}.`, true);
        return;
      }
      let data = null;
      try {
        data = await response.json();
      } catch (err) {
        data = null;
      }
      if (!response.ok) {
        // A question the API refuses (too long, say): its words say why; asking again won't help.
        if ([400, 413, 422].includes(response.status) && data && isText(data.detail)) {
          showError(question, data.detail, false);
        } else {
          showError(question, "Something went wrong on our side. Please try again.", true);
        }
        return;
      }
      if (!data || !isText(data.answer)) {
        showError(question, "The answer could not be read. Please try again.", true);
        return;
      }
      showAnswer(data);
    } finally {
      clearTimeout(timer);
      typing.remove();
      state.busy = false;
      send.disabled = false;
    }
  }

  // --- start -------------------------------------------------------------------------------------

  async function loadConfig() {
    try {
      const response = await fetch(url("widget.json"), { mode: "cors", credentials: "omit" });
      if (!response.ok) throw new Error(String(response.status));
      const config = await response.json();
      state.config = config && typeof config === "object" ? config : {};
      if (isText(state.config.owner)) subEl.textContent = `Answers quote ${state.config.owner}'s privacy statement`;
      const most = state.config.max_question_chars;
      if (Number.isInteger(most) && most > 0) input.maxLength = most;
      showNotice(state.config.privacy_notice);
    } catch (err) {
      state.configFailed = true;
    }
    if (state.open) greet();
  }

  function showNotice(notice) {
    if (!notice || !isText(notice.text)) return;
    const text = isText(notice.url)
      ? el("a", { href: url(notice.url), target: "_blank", rel: "noopener", text: notice.text })
      : notice.text;
    noticeEl.replaceChildren(text);
    noticeEl.hidden = false;
  }

  function mount() {
    document.body.append(host);
    loadConfig();
    if (settings.open) open(false);
  }

  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount, { once: true });
})();
