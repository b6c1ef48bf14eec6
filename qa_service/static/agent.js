/* Agent console: search the policy as you type, see the widget's answer, copy a reply.
 *
 * Keyboard: the search box keeps focus; Up and Down move through the answer and the clauses,
 * Enter copies the selected one as a ready-to-paste reply, Escape clears, "/" comes back here.
 * All text from the server goes into the DOM as text nodes.
 */
(() => {
  "use strict";

  const input = document.getElementById("q");
  const form = document.getElementById("search-form");
  const results = document.getElementById("results");
  const status = document.getElementById("status");
  const toast = document.getElementById("toast");
  const DEBOUNCE_MS = 120;
  const LIMIT = 8;

  let items = []; // { node, reply }
  let selected = -1;
  let timer = null;
  let seq = 0;
  let controller = null;
  let pending = null; // the promise of the search in flight
  let toastTimer = null;

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");

  // --- helpers --------------------------------------------------------------------------------

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

  const isText = (value) => typeof value === "string" && value.trim() !== "";
  const clauseUrl = (id) => new URL(`/policy#${encodeURIComponent(id)}`, location.href).href;
  const STATUS_LABEL = {
    answered: "Answered",
    fallback: "Fallback",
    out_of_scope: "Out of scope",
    handoff: "Hand-off",
    smalltalk: "Small talk",
  };

  function fold(word) {
    return word
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/['’]s$/, "")
      .replace(/['’]/g, "");
  }

  /** The clause's text with the words the search matched inside <mark>, built as nodes. */
  function highlighted(text, matched) {
    const words = new Set((Array.isArray(matched) ? matched : []).filter(isText).map(fold));
    const out = [];
    const parts = String(text).split(/([\p{L}\p{N}]+(?:['’]\p{L}+)?)/u);
    parts.forEach((part, i) => {
      if (!part) return;
      if (i % 2 === 1 && words.has(fold(part))) out.push(el("mark", { text: part }));
      else out.push(document.createTextNode(part));
    });
    return out;
  }

  /** The score as a number, and as a bar relative to `best` (the top score shown). */
  function scoreView(label, value, best = 1) {
    const number = typeof value === "number" && Number.isFinite(value) ? value : 0;
    const bar = el("span");
    const share = best > 0 ? number / best : 0;
    bar.style.width = `${Math.round(Math.max(0, Math.min(1, share)) * 100)}%`;
    return el(
      "span",
      { class: "score", title: `${label} ${number.toFixed(2)}` },
      el("span", { class: "score-bar", "aria-hidden": "true" }, bar),
      `${label} ${number.toFixed(2)}`,
    );
  }

  // --- replies --------------------------------------------------------------------------------

  function answerReply(answer) {
    const lines = [answer.answer];
    for (const c of answer.citations || []) {
      if (!c || !isText(c.clause_id) || !isText(c.text)) continue;
      lines.push("", `From our privacy statement (clause ${c.position}): “${c.text}”`, clauseUrl(c.clause_id));
    }
    return lines.join("\n");
  }

  function clauseReply(hit) {
    return [`Our privacy statement says (clause ${hit.position}): “${hit.text}”`, clauseUrl(hit.clause_id)].join("\n");
  }

  // --- rendering ------------------------------------------------------------------------------

  function option(index, reply, children) {
    const node = el(
      "div",
      {
        class: "item",
        role: "option",
        id: `option-${index}`,
        "aria-selected": "false",
        onclick: (event) => {
          if (event.target.closest("a")) return; // the link opens the policy, it doesn't copy
          select(index);
          copy(index);
        },
      },
      children,
    );
    items.push({ node, reply });
    return node;
  }

  function foot(link, label) {
    return el(
      "div",
      { class: "item-foot" },
      link,
      el("span", { class: "copy", "aria-hidden": "true", text: label }),
    );
  }

  function answerOption(answer) {
    const cites = (answer.citations || []).filter((c) => c && isText(c.clause_id) && isText(c.text));
    const statusName = isText(answer.status) ? answer.status : "answered";
    const link = cites.length
      ? el("a", {
          href: clauseUrl(cites[0].clause_id),
          target: "_blank",
          rel: "noopener",
          tabindex: "-1",
          text: `Clause ${cites[0].position} in the policy ↗`,
        })
      : el("span", { class: "small", text: "No clause cited" });
    return option(items.length, answerReply(answer), [
      el(
        "div",
        { class: "item-head" },
        el("span", { class: `badge ${statusName}`, text: STATUS_LABEL[statusName] || statusName }),
        el("span", { class: "grow", text: "What the chat widget answers" }),
        scoreView("confidence", answer.confidence),
      ),
      el("p", { class: "item-text", text: answer.answer }),
      cites.map((c) => el("blockquote", { class: "item-quote", text: c.text })),
      foot(link, "Copy reply"),
    ]);
  }

  function clauseOption(hit, best) {
    return option(items.length, clauseReply(hit), [
      el(
        "div",
        { class: "item-head" },
        el("span", { class: "badge", text: `Clause ${hit.position}` }),
        el("span", { class: "grow", text: hit.section || "" }),
        scoreView("score", hit.score, best),
      ),
      el("p", { class: "item-text" }, highlighted(hit.text, hit.matched)),
      foot(
        el("a", {
          href: clauseUrl(hit.clause_id),
          target: "_blank",
          rel: "noopener",
          tabindex: "-1",
          text: clauseUrl(hit.clause_id),
        }),
        "Copy reply",
      ),
    ]);
  }

  function group(id, label, options) {
    return el(
      "div",
      { role: "group", "aria-labelledby": id, class: "results" },
      el("p", { class: "group-label", id, text: label }),
      options,
    );
  }

  function render(query, search, answer) {
    items = [];
    selected = -1;
    const hits = search && Array.isArray(search.results) ? search.results : [];
    const valid = hits.filter((h) => h && isText(h.clause_id) && isText(h.text));
    const hasAnswer = answer && isText(answer.answer);
    // When the widget answers from the policy, its answer comes first; otherwise the clauses do.
    const answered = hasAnswer && answer.status === "answered";
    const groups = [];
    const answerGroup = () => group("group-answer", "The widget's answer", [answerOption(answer)]);
    if (answered) groups.push(answerGroup());
    if (valid.length) {
      const best = Math.max(...valid.map((h) => (typeof h.score === "number" ? h.score : 0)));
      groups.push(group("group-clauses", "Matching clauses", valid.map((h) => clauseOption(h, best))));
    } else {
      groups.push(el("p", { class: "empty", text: `No clause matches “${query}”. Try other words.` }));
    }
    if (hasAnswer && !answered) groups.push(answerGroup());
    results.replaceChildren(...groups);
    offerFlag(hasAnswer ? answer : null);
    input.setAttribute("aria-expanded", items.length ? "true" : "false");
    const n = valid.length;
    status.textContent = `${n} clause${n === 1 ? "" : "s"} match “${query}”.`;
    select(0);
  }

  function renderEmpty() {
    items = [];
    selected = -1;
    offerFlag(null);
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    status.textContent = "";
    results.replaceChildren(
      el("p", {
        class: "empty",
        text: "Start typing: matching clauses and the widget's answer appear as you type.",
      }),
    );
  }

  function select(index) {
    if (!items.length) return;
    const next = Math.max(0, Math.min(items.length - 1, index));
    if (selected >= 0 && items[selected]) items[selected].node.setAttribute("aria-selected", "false");
    selected = next;
    const node = items[selected].node;
    node.setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", node.id);
    node.scrollIntoView({ block: "nearest" });
  }

  // --- fetching -------------------------------------------------------------------------------

  async function json(response) {
    if (response.status === 429) {
      const wait = Number(response.headers.get("Retry-After")) || 5;
      throw Object.assign(new Error("rate limited"), { name: "RateLimited", wait });
    }
    if (!response.ok) return null;
    try {
      return await response.json();
    } catch (err) {
      return null;
    }
  }

  function run() {
    clearTimeout(timer);
    timer = null;
    const query = input.value.trim();
    const mine = ++seq;
    if (controller) controller.abort();
    if (!query) {
      renderEmpty();
      pending = null;
      return Promise.resolve();
    }
    controller = new AbortController();
    const { signal } = controller;
    status.textContent = "Searching…";
    const params = new URLSearchParams({ q: query, limit: String(LIMIT), prefix: "true" });
    pending = Promise.all([
      fetch(`/api/v1/search?${params}`, { signal }).then(json),
      fetch("/api/v1/ask", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ question: query, channel: "agent" }),
        signal,
      }).then(json),
    ])
      .then(([search, answer]) => {
        if (mine === seq) render(query, search, answer);
      })
      .catch((err) => {
        if (err && err.name === "AbortError") return;
        if (mine !== seq) return;
        status.textContent =
          err && err.name === "RateLimited"
            ? `Too many searches in a minute: wait ${err.wait} s, then type again.`
            : "Could not reach the server. Check it is running, then type again.";
      });
    return pending;
  }

  // --- flagging -------------------------------------------------------------------------------

  // The widget's answer can be flagged as wrong: a "not helpful" vote the policy owner sees in
  // the insights. The button sits above the list of results, not in it, so choosing a result
  // never flags it.
  const flag = el("button", { class: "flag", type: "button", hidden: true, onclick: () => flagAnswer() });
  results.before(flag);
  let flagFor = null; // the answer_id of the answer shown

  function offerFlag(answer) {
    flagFor = answer && isText(answer.answer_id) ? answer.answer_id : null;
    flag.hidden = !flagFor;
    flag.disabled = false;
    flag.textContent = "Flag the widget's answer as wrong";
  }

  async function flagAnswer() {
    const answerId = flagFor;
    if (!answerId) return;
    flag.disabled = true;
    let ok = false;
    try {
      const response = await fetch("/api/v1/feedback", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ answer_id: answerId, helpful: false }),
      });
      ok = response.ok;
    } catch (err) {
      ok = false;
    }
    if (answerId !== flagFor) return; // another answer is shown by now
    flag.disabled = ok;
    if (ok) flag.textContent = "Flagged as wrong";
    showToast(ok ? "Flagged: the policy owner will see it in the insights." : "Could not flag the answer: try again.");
    input.focus();
  }

  // --- copying --------------------------------------------------------------------------------

  function fallbackCopy(text) {
    const area = el("textarea", { readonly: true, "aria-hidden": "true" });
    area.value = text;
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.append(area);
    area.select();
    let ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (err) {
      ok = false;
    }
    area.remove();
    input.focus();
    return ok;
  }

  async function copy(index) {
    const item = items[index];
    if (!item) return;
    let ok = false;
    try {
      await navigator.clipboard.writeText(item.reply);
      ok = true;
    } catch (err) {
      ok = fallbackCopy(item.reply);
    }
    item.node.classList.toggle("copied", ok);
    showToast(ok ? "Reply copied: paste it into your answer." : "Could not copy: select the text instead.");
  }

  function showToast(message) {
    toast.textContent = message;
    toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => {
      toast.hidden = true;
    }, 2500);
  }

  // --- events ---------------------------------------------------------------------------------

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE_MS);
  });

  form.addEventListener("submit", (event) => event.preventDefault());

  input.addEventListener("keydown", async (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      select(selected + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (timer !== null) await run(); // typed faster than the debounce: search first
      else if (pending) await pending;
      copy(selected);
    } else if (event.key === "Escape") {
      event.preventDefault();
      input.value = "";
      run();
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.key === "/" && document.activeElement !== input && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      input.focus();
      input.select();
    }
  });

  renderEmpty();
  input.focus();
  if (input.value.trim()) run(); // the browser restored a query
})();
