/* policy-qa chat widget.
 *
 * Embed with one tag:  <script src="https://HOST/widget.js" async></script>
 * Optional settings, set before the tag:
 *   <script>window.PolicyQAWidget = { position: "left", title: "Privacy questions", open: true };</script>
 * or as attributes of the tag: data-position, data-title, data-open.
 *
 * Any element of the page with a data-policy-qa-ask="question" attribute opens the widget and
 * asks that question when clicked (the demo page's "Try asking" examples do).
 *
 * Everything lives in a shadow root under one <policy-qa-widget> element appended to <body>:
 * the host page's CSS cannot reach it and it changes nothing else on the page. Text from the
 * visitor or the server only ever goes into the DOM as text (textContent, text nodes). The
 * conversation is kept for the tab (sessionStorage) until the visitor clears it.
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
    clear: "M9 3h6l1 2h4v2H4V5h4l1-2ZM6 9h12l-1 12H7L6 9Zm4 2v8h1.5v-8H10Zm3.5 0v8H15v-8h-1.5Z",
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
.icon-button {
  display: grid; place-items: center; flex: none; width: 36px; height: 36px; padding: 0;
  border: 0; border-radius: 10px; background: transparent; color: inherit; cursor: pointer;
}
.icon-button[hidden] { display: none; }
.icon-button:hover { background: rgba(255, 255, 255, .16); }
.icon-button:focus-visible { outline-color: var(--fill-text); outline-offset: -3px; }

.log {
  flex: 1; min-height: 0; overflow-y: auto; overscroll-behavior: contain;
  display: flex; flex-direction: column; gap: 10px; padding: 16px 14px 8px;
  scroll-behavior: smooth;
}
.log:focus-visible { outline-offset: -3px; }
.row.visitor { flex-direction: column; align-items: flex-end; }
.queued .bubble { opacity: .7; }
.queued-note { margin: 3px 4px 0; color: var(--muted); font-size: 12px; }
.answer a { font-weight: 600; }
.contact-phone { white-space: nowrap; }
.row { display: flex; }
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
.meta {
  display: flex; flex-wrap: wrap; justify-content: space-between; gap: 4px 10px;
  margin: -4px 0 0; padding: 0 18px 8px; color: var(--muted); font-size: 12px;
}
.meta[hidden] { display: none; }
.count { font-variant-numeric: tabular-nums; }
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
.cut-note { color: var(--text); }

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
    unavailable: false, // this page's origin may not use the API (see --cors-origin)
    maxChars: 1000,
    queue: [], // questions sent while an answer was loading: { question, row }
    fresh: null, // the latest reply, until the visitor has tabbed into it
    cleared: 0, // times the conversation was cleared: an answer to a cleared question is dropped
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
  const subEl = el("p", { class: "sub", id: "pqa-sub", text: "Answers quote the privacy statement" });
  // Focusable, so that a long conversation scrolls from the keyboard too.
  const log = el("div", {
    class: "log",
    role: "log",
    tabindex: "0",
    "aria-live": "polite",
    "aria-relevant": "additions",
    "aria-label": "Conversation",
    onfocusin: () => {
      state.fresh = null;
    },
  });
  const input = el("input", {
    class: "input",
    id: "pqa-input",
    type: "text",
    autocomplete: "off",
    enterkeyhint: "send",
    placeholder: "Ask about your privacy…",
    "aria-describedby": "pqa-meta",
    oninput: () => checkLength(),
    onkeydown: (event) => {
      if (event.key === "Tab" && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey) {
        tabIntoLatest(event);
      }
    },
  });
  const send = el("button", { class: "send", type: "submit", "aria-label": "Send question" }, icon("send", 20));
  const count = el("span", { class: "count" });
  const cutNote = el("span", { class: "cut-note", role: "status" });
  const meta = el("p", { class: "meta", id: "pqa-meta", hidden: true }, count, cutNote);
  const clearButton = el(
    "button",
    {
      class: "icon-button clear",
      type: "button",
      "aria-label": "Clear conversation",
      title: "Clear conversation",
      hidden: true,
      onclick: () => clearConversation(),
    },
    icon("clear", 19),
  );
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
        if (event.key === "Tab" && phone.matches && !event.defaultPrevented) trapFocus(event);
      },
    },
    // A plain <div>, not <header>: a banner landmark belongs to the page, not to a widget.
    el(
      "div",
      { class: "head" },
      el("div", { class: "avatar" }, icon("shield", 20)),
      el("div", { class: "heading" }, titleEl, subEl),
      clearButton,
      el(
        "button",
        { class: "icon-button close", type: "button", "aria-label": "Close chat", onclick: () => close() },
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
    meta,
    el("p", { class: "foot" }, "Answers come only from the ", policyLink, "."),
    noticeEl,
  );

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

  const focusables = (within) =>
    Array.from(within.querySelectorAll("button, a[href], input, textarea, [tabindex='0']")).filter(
      (node) => !node.disabled && node.getClientRects().length > 0,
    );

  function trapFocus(event) {
    const focusable = focusables(panel);
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

  /** Tab from the box goes first to what the latest reply offers (its links, the suggested
   * questions), which sit above the box; from there Tab comes back down to the box. */
  function tabIntoLatest(event) {
    const row = state.fresh;
    state.fresh = null;
    if (!row || !row.isConnected) return;
    const chipsAfter = row.nextElementSibling && row.nextElementSibling.matches(".chips") ? row.nextElementSibling : null;
    const first = focusables(row)[0] || (chipsAfter && focusables(chipsAfter)[0]);
    if (!first) return;
    event.preventDefault();
    first.focus();
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

  // --- the conversation, kept for the tab --------------------------------------------------------

  // One conversation per service, for this tab only: sessionStorage ends with the tab, and
  // "Clear conversation" ends it sooner. Nothing of it is sent anywhere.
  const STORE = `policy-qa:conversation:${base.href}`;
  const KEPT = 40; // messages

  function loadKept() {
    try {
      const kept = JSON.parse(window.sessionStorage.getItem(STORE) || "[]");
      return Array.isArray(kept) ? kept : [];
    } catch (err) {
      return []; // storage off, full or unreadable: the conversation just isn't kept
    }
  }

  function keep(entry) {
    try {
      const kept = loadKept();
      kept.push(entry);
      window.sessionStorage.setItem(STORE, JSON.stringify(kept.slice(-KEPT)));
    } catch (err) {
      /* not kept: the page works the same */
    }
  }

  function forget() {
    try {
      window.sessionStorage.removeItem(STORE);
    } catch (err) {
      /* nothing was kept */
    }
  }

  /** What is kept of an answer: only the fields the widget shows, as the server sent them. */
  function answerRecord(data) {
    const cites = (Array.isArray(data.citations) ? data.citations : []).slice(0, 3);
    return {
      status: isText(data.status) ? data.status : "answered",
      answer: String(data.answer),
      citations: cites
        .filter((c) => c && isText(c.clause_id) && isText(c.text))
        .map((c) => ({ clause_id: c.clause_id, text: c.text, position: c.position })),
      contact:
        data.contact && typeof data.contact === "object"
          ? { email: data.contact.email, phone: data.contact.phone }
          : null,
      suggestions: (Array.isArray(data.suggestions) ? data.suggestions : []).filter(isText).slice(0, 4),
      language: isText(data.language) ? data.language : null,
      answer_id: isText(data.answer_id) ? data.answer_id : null,
    };
  }

  function restore() {
    const kept = loadKept();
    let last = null;
    for (const entry of kept) {
      if (!entry || typeof entry !== "object") continue;
      if (entry.who === "visitor" && isText(entry.text)) add(visitorRow(entry.text));
      else if (entry.who === "bot" && entry.data && isText(entry.data.answer)) {
        add(answerBubble(entry.data));
        last = entry.data;
      }
    }
    if (last) chips(last.suggestions);
    state.fresh = null;
    clearButton.hidden = !log.querySelector(".row.visitor");
  }

  function clearConversation() {
    state.cleared += 1;
    forget();
    state.queue = [];
    state.fresh = null;
    log.replaceChildren();
    state.greeted = false;
    clearButton.hidden = true;
    greet();
    input.focus();
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
    if (!list.length) return null;
    return add(
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

  function visitorRow(question) {
    return el("div", { class: "row visitor" }, el("p", { class: "bubble" }, srOnly("You: "), question));
  }

  function greet() {
    if (state.greeted) return;
    if (!state.config && !state.configFailed) return; // greet() runs again when it arrives
    state.greeted = true;
    if (state.unavailable) {
      // What to change is in the browser's console, for the site's owner; the visitor only
      // needs to know not to wait.
      add(botRow("unavailable", el("p", { text: "Sorry, the chat is unavailable on this page." })));
      return;
    }
    const config = state.config || {};
    const text = isText(config.greeting)
      ? config.greeting
      : "Hi! Ask me anything about this website's privacy statement.";
    const row = botRow("greeting", el("p", { text }));
    if (log.firstChild) {
      log.prepend(row); // a conversation kept from an earlier page of this tab follows it
    } else {
      add(row);
      chips(config.suggestions);
    }
  }

  function citation(item, index) {
    if (!item || !isText(item.clause_id) || !isText(item.text)) return null;
    const href = url(`policy#${encodeURIComponent(item.clause_id)}`);
    const numbered = Number.isInteger(item.position);
    const where = numbered ? `Cited clause ${item.position}` : "Cited clause";
    return el(
      "figure",
      { class: "cite", "data-clause": item.clause_id },
      el("figcaption", { text: index ? `${where} (also relevant)` : where }),
      el("blockquote", { text: item.text }),
      // The link's name starts with the words it shows (speech input users say what they see).
      el(
        "a",
        { href, target: "_blank", rel: "noopener", class: "cite-link" },
        numbered ? `See clause ${item.position} in the policy` : "See it in the policy",
        srOnly(" (opens in a new tab)"),
        el("span", { "aria-hidden": "true", text: " ↗" }),
      ),
    );
  }

  function contactLink(kind, value) {
    if (kind === "email") {
      const href = mailtoHref(value);
      return href ? el("a", { href, class: "contact-email" }, breakable(value)) : null;
    }
    const href = telHref(value);
    // A phone number never breaks across lines ("1-/800-605-7057").
    return href ? el("a", { href, class: "contact-phone", text: value }) : null;
  }

  /** The text with the contacts it mentions as links where they stand, so they show once;
   * also which contacts it mentioned. */
  function withContacts(text, contact) {
    const wanted = [];
    if (contact && isText(contact.email)) wanted.push(["email", contact.email.trim()]);
    if (contact && isText(contact.phone)) wanted.push(["phone", contact.phone.trim()]);
    const nodes = [];
    const mentioned = new Set();
    let rest = text;
    while (rest) {
      let next = null;
      for (const [kind, value] of wanted) {
        const at = rest.indexOf(value);
        if (at >= 0 && (!next || at < next.at)) next = { at, kind, value };
      }
      const link = next && contactLink(next.kind, next.value);
      if (!link) {
        nodes.push(rest);
        break;
      }
      if (next.at) nodes.push(rest.slice(0, next.at));
      nodes.push(link);
      mentioned.add(next.kind);
      rest = rest.slice(next.at + next.value.length);
    }
    return { nodes, mentioned };
  }

  /** Buttons for the contacts the reply's text did not already give. */
  function contactButtons(contact, mentioned) {
    if (!contact || typeof contact !== "object") return null;
    const links = [];
    if (isText(contact.email) && !mentioned.has("email")) {
      const href = mailtoHref(contact.email.trim());
      links.push(
        href
          ? el("a", { href, class: "contact-email" }, icon("mail", 18), srOnly("Email "), breakable(contact.email))
          : el("span", { text: contact.email }),
      );
    }
    if (isText(contact.phone) && !mentioned.has("phone")) {
      const href = telHref(contact.phone);
      links.push(
        href
          ? el("a", { href, class: "contact-phone" }, icon("phone", 18), srOnly("Call "), contact.phone)
          : el("span", { text: contact.phone }),
      );
    }
    return links.length ? el("div", { class: "contact", role: "group", "aria-label": "Contact" }, links) : null;
  }

  /** One answer as a reply bubble: what it says, the clauses it quotes, the contacts, and
   * what a visitor can do with it (the thumbs). The one place an answer is drawn, for new
   * replies and kept ones alike. */
  function answerBubble(data) {
    const status = isText(data.status) ? data.status : "answered";
    const cites = (Array.isArray(data.citations) ? data.citations : []).slice(0, 3);
    const quotes = cites.map(citation).filter(Boolean);
    // The answer quotes its clauses; say the rest (such as "No.") and show the quotes as citations.
    let text = String(data.answer);
    for (const item of cites) {
      if (item && isText(item.text)) text = text.split(item.text).join(" ");
    }
    text = text.replace(/\s+/g, " ").trim();
    if (!quotes.length) text = String(data.answer);
    else if (/^[\s.,;:!?"“”]*$/.test(text)) text = "Our privacy statement says:";
    const { nodes, mentioned } = withContacts(text, data.contact);
    const parts = [el("p", { class: "answer" }, nodes), ...quotes];
    if (["fallback", "handoff"].includes(status)) parts.push(contactButtons(data.contact, mentioned));
    parts.push(feedbackControls(data.answer_id));
    const row = botRow(status, parts);
    if (isText(data.language)) row.setAttribute("lang", data.language);
    return row;
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

  function showAnswer(data) {
    const record = answerRecord(data);
    keep({ who: "bot", data: record });
    const row = add(answerBubble(record));
    const suggested = chips(record.suggestions);
    const offers = focusables(row).length || (suggested && focusables(suggested).length);
    state.fresh = offers ? row : null;
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
                if (state.busy) state.queue.push({ question, row: null });
                else ask(question);
                input.focus();
              },
            })
          : null,
      ),
    );
    add(row);
  }

  // --- the question box --------------------------------------------------------------------------

  /** Near the limit, a counter; past it (a long paste), the text is cut and the visitor told. */
  function checkLength() {
    const most = state.maxChars;
    let cut = false;
    if (input.value.length > most) {
      input.value = input.value.slice(0, most);
      cut = true;
    }
    const length = input.value.length;
    const near = length >= most * 0.8;
    count.textContent = near ? `${length.toLocaleString("en")} / ${most.toLocaleString("en")}` : "";
    if (cut) {
      cutNote.textContent = `Cut to ${most.toLocaleString("en")} characters: the rest of what you pasted was left out.`;
    } else if (!near) {
      cutNote.textContent = "";
    }
    meta.hidden = !count.textContent && !cutNote.textContent;
  }

  function resetLength() {
    count.textContent = "";
    cutNote.textContent = "";
    meta.hidden = true;
  }

  // --- asking ------------------------------------------------------------------------------------

  function submit(raw) {
    const question = String(raw || "").trim();
    if (!question || state.unavailable) return;
    input.value = "";
    resetLength();
    removeChips();
    state.fresh = null;
    const row = add(visitorRow(question));
    keep({ who: "visitor", text: question });
    clearButton.hidden = false;
    if (state.busy) {
      // Sent as soon as the answer being loaded arrives; said so, not silently dropped.
      row.classList.add("queued");
      row.append(el("p", { class: "queued-note", text: "Sends when the answer above arrives" }));
      state.queue.push({ question, row });
      return;
    }
    ask(question);
  }

  async function ask(question) {
    const conversation = state.cleared;
    const current = () => conversation === state.cleared;
    state.busy = true;
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
        if (current()) {
          showError(
            question,
            "I couldn't reach the server. Please check your connection and try again.",
            true,
          );
        }
        return;
      }
      if (response.status === 429 && current()) {
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
      if (!current()) return;
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
      const next = state.queue.shift();
      if (next) {
        if (next.row) {
          next.row.classList.remove("queued");
          for (const note of next.row.querySelectorAll(".queued-note")) note.remove();
        }
        ask(next.question);
      }
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
      if (Number.isInteger(most) && most > 0) state.maxChars = most;
      showNotice(state.config.privacy_notice);
      const embedding = state.config.embedding;
      if (embedding && embedding.allowed === false) {
        // The server refuses this page's origin (CORS): tell the site's owner how to fix it.
        state.unavailable = true;
        console.error(
          isText(embedding.help)
            ? embedding.help
            : `policy-qa: pages on ${location.origin} may not use this chat service; allow them with --cors-origin or POLICY_QA_CORS_ORIGINS.`,
        );
        input.disabled = true;
        send.disabled = true;
        input.placeholder = "Chat unavailable";
        clearButton.hidden = true;
      }
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

  // Any element of the page marked data-policy-qa-ask="question" asks it here.
  function onPageClick(event) {
    const target = event.target instanceof Element ? event.target.closest("[data-policy-qa-ask]") : null;
    if (!target) return;
    const question = target.getAttribute("data-policy-qa-ask");
    if (!isText(question)) return;
    event.preventDefault();
    if (!state.open) open(false);
    submit(question);
    input.focus();
  }

  // Escape closes the panel also when focus has left it for nowhere in particular (a click on
  // the page's background, say); a control of the page keeps its own use of Escape.
  function onPageKey(event) {
    if (event.key !== "Escape" || !state.open || event.defaultPrevented) return;
    const active = document.activeElement;
    if (!active || active === document.body || active === document.documentElement || active === host) close();
  }

  function mount() {
    document.body.append(host);
    restore();
    loadConfig();
    document.addEventListener("click", onPageClick);
    document.addEventListener("keydown", onPageKey);
    if (settings.open) open(false);
  }

  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount, { once: true });
})();
