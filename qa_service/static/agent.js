/* Agent console: search the policy as you type, see the widget's answer, copy a reply.
 *
 * Keyboard: the search box keeps focus; Up and Down move through the answer and the clauses,
 * Enter copies the selected one as a ready-to-paste reply, Escape clears, "/" comes back here.
 * All text from the server goes into the DOM as text nodes.
 *
 * Requests: while the agent types, a search at most every MIN_GAP_MS; when typing pauses, one
 * request brings the clauses and the widget's answer together. Searches have their own rate
 * limit on the server (--search-rate-limit), sized so that typing never reaches it. After any
 * failed request the results are marked out of date and nothing is copied from them.
 */
(() => {
  "use strict";

  const input = document.getElementById("q");
  const form = document.getElementById("search-form");
  const results = document.getElementById("results");
  const status = document.getElementById("status");
  const hint = document.getElementById("hint");
  const openLink = document.getElementById("open-clause");
  const toast = document.getElementById("toast");
  const DEBOUNCE_MS = 150; // a gap this long between keys searches what is typed so far
  const MIN_GAP_MS = 300; // and never more often than this, however fast the agent types
  const ANSWER_PAUSE_MS = 600; // a pause this long also brings the widget's answer
  const MIN_LETTERS = 2; // one letter matches everything and nothing
  const LIMIT = 8;

  let items = []; // { node, reply, key, url, link }
  let selected = -1;
  let chosen = false; // the agent moved the selection since typing: the answer must not move it
  let shown = null; // { query, answered }: what the results on screen are for
  let stale = false; // the last request failed, so what is on screen is out of date
  let inflight = null; // { query, withAnswer, promise }
  let controller = null;
  let searchTimer = null;
  let answerTimer = null;
  let lastSent = 0;
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
  const enough = (query) => (query.match(/[\p{L}\p{N}]/gu) || []).length >= MIN_LETTERS;
  const wanted = () => input.value.trim();
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

  function citedClauses(answer) {
    return (Array.isArray(answer.citations) ? answer.citations : []).filter(
      (c) => c && isText(c.clause_id) && isText(c.text),
    );
  }

  /** What the answer says besides the clauses it quotes ("No."): those are shown as quotes. */
  function ownWords(answer) {
    let text = String(answer.answer);
    for (const c of citedClauses(answer)) text = text.split(c.text).join(" ");
    text = text.replace(/\s+/g, " ").trim();
    return /^[\s.,;:!?"“”]*$/.test(text) ? "" : text;
  }

  // --- replies --------------------------------------------------------------------------------

  /** The answer as the agent pastes it: each clause once, quoted only if the answer does not
   * already say it, and its link. */
  function answerReply(answer) {
    const lines = [answer.answer];
    for (const c of citedClauses(answer)) {
      const link = clauseUrl(c.clause_id);
      if (answer.answer.includes(c.text)) {
        lines.push("", `Clause ${c.position} of our privacy statement: ${link}`);
      } else {
        lines.push("", `From our privacy statement (clause ${c.position}): “${c.text}”`, link);
      }
    }
    return lines.join("\n");
  }

  function clauseReply(hit) {
    return [`Our privacy statement says (clause ${hit.position}): “${hit.text}”`, clauseUrl(hit.clause_id)].join("\n");
  }

  // --- rendering ------------------------------------------------------------------------------

  // Options hold no link (an option is one control): the selected one's link is beside the
  // list, in #open-clause.
  function option(entry, children) {
    const index = items.length;
    const node = el(
      "div",
      {
        class: "item",
        role: "option",
        id: `option-${index}`,
        "aria-selected": "false",
        onclick: () => {
          chosen = true;
          select(index);
          input.focus({ preventScroll: true }); // the keys keep working after a click
          copy(index);
        },
      },
      children,
    );
    items.push({ node, ...entry });
    return node;
  }

  function foot(text) {
    return el(
      "div",
      { class: "item-foot" },
      el("span", { class: "where", text }),
      el("span", { class: "copy", "aria-hidden": "true", text: "Copy reply" }),
    );
  }

  function answerOption(answer) {
    const cites = citedClauses(answer);
    const statusName = isText(answer.status) ? answer.status : "answered";
    const said = ownWords(answer) || (cites.length ? "" : String(answer.answer));
    const first = cites[0];
    return option(
      {
        reply: answerReply(answer),
        key: "answer",
        url: first ? clauseUrl(first.clause_id) : null,
        link: first ? `Open clause ${first.position} in the policy` : null,
      },
      [
        el(
          "div",
          { class: "item-head" },
          el("span", { class: `badge ${statusName}`, text: STATUS_LABEL[statusName] || statusName }),
          el("span", { class: "grow", text: "What the chat widget answers" }),
          scoreView("confidence", answer.confidence),
        ),
        said ? el("p", { class: "item-text", text: said }) : null,
        cites.map((c) => el("blockquote", { class: "item-quote", text: c.text })),
        foot(first ? `Cites clause ${first.position}` : "No clause cited"),
      ],
    );
  }

  function clauseOption(hit, best) {
    return option(
      {
        reply: clauseReply(hit),
        key: hit.clause_id,
        url: clauseUrl(hit.clause_id),
        link: `Open clause ${hit.position} in the policy`,
      },
      [
        el(
          "div",
          { class: "item-head" },
          el("span", { class: "badge", text: `Clause ${hit.position}` }),
          el("span", { class: "grow", text: hit.section || "" }),
          scoreView("score", hit.score, best),
        ),
        el("p", { class: "item-text" }, highlighted(hit.text, hit.matched)),
        foot(clauseUrl(hit.clause_id)),
      ],
    );
  }

  function group(id, label, options) {
    return el(
      "div",
      { role: "group", "aria-labelledby": id, class: "results" },
      el("p", { class: "group-label", id, text: label }),
      options,
    );
  }

  /** A line under the results; a framed box when there are none. */
  function setHint(text) {
    hint.textContent = text;
    hint.hidden = !text;
    hint.className = items.length ? "hint" : "empty";
  }

  function render(query, found, withAnswer) {
    const same = chosen && shown && shown.query === query && items[selected];
    const keepKey = same ? items[selected].key : null;
    items = [];
    selected = -1;
    const hits = found && Array.isArray(found.results) ? found.results : [];
    const valid = hits.filter((h) => h && isText(h.clause_id) && isText(h.text));
    const answer = withAnswer && found && found.answer && isText(found.answer.answer) ? found.answer : null;
    // When the widget answers from the policy, its answer comes first; otherwise the clauses do.
    const answered = answer && answer.status === "answered";
    const groups = [];
    const answerGroup = () => group("group-answer", "The widget's answer", [answerOption(answer)]);
    if (answered) groups.push(answerGroup());
    if (valid.length) {
      const best = Math.max(...valid.map((h) => (typeof h.score === "number" ? h.score : 0)));
      groups.push(group("group-clauses", "Matching clauses", valid.map((h) => clauseOption(h, best))));
    }
    if (answer && !answered) groups.push(answerGroup());
    results.replaceChildren(...groups);
    offerFlag(answer);
    results.hidden = !items.length;
    results.classList.remove("stale");
    shown = { query, answered: Boolean(withAnswer) };
    stale = false;
    input.setAttribute("aria-expanded", items.length ? "true" : "false");
    const n = valid.length;
    status.textContent = `${n} clause${n === 1 ? "" : "s"} match “${query}”.`;
    if (!valid.length) setHint(`No clause matches “${query}”. Try other words.`);
    else if (!withAnswer) setHint("The widget's answer appears when you stop typing.");
    else setHint("");
    const again = keepKey === null ? -1 : items.findIndex((item) => item.key === keepKey);
    select(again >= 0 ? again : 0);
  }

  function renderEmpty(message) {
    items = [];
    selected = -1;
    offerFlag(null);
    shown = null;
    stale = false;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    status.textContent = "";
    results.replaceChildren();
    results.hidden = true;
    openLink.hidden = true;
    setHint(message);
  }

  function select(index) {
    if (!items.length) {
      openLink.hidden = true;
      return;
    }
    const next = Math.max(0, Math.min(items.length - 1, index));
    if (selected >= 0 && items[selected]) items[selected].node.setAttribute("aria-selected", "false");
    selected = next;
    const item = items[selected];
    item.node.setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", item.node.id);
    item.node.scrollIntoView({ block: "nearest" });
    openLink.hidden = !item.url;
    if (item.url) {
      openLink.href = item.url;
      openLink.firstChild.textContent = item.link;
    }
  }

  /** After a failed request: say why, and that what is on screen is not for what is typed. */
  function markStale(message) {
    stale = true;
    results.classList.add("stale");
    const behind = shown ? ` The results below are for “${shown.query}” and out of date: nothing is copied from them.` : "";
    status.textContent = `${message}${behind}`;
  }

  // --- fetching -------------------------------------------------------------------------------

  async function json(response) {
    if (response.status === 429) {
      const wait = Number(response.headers.get("Retry-After")) || 5;
      throw Object.assign(new Error("rate limited"), { name: "RateLimited", wait });
    }
    if (!response.ok) throw Object.assign(new Error(String(response.status)), { name: "Failed" });
    return response.json();
  }

  /** Brings the results for what is typed (and the widget's answer, `withAnswer`), unless
   * they are on screen or on their way. */
  function fetchFor(withAnswer) {
    const query = wanted();
    if (!enough(query)) return Promise.resolve();
    if (!stale && shown && shown.query === query && (shown.answered || !withAnswer)) {
      return Promise.resolve();
    }
    if (inflight && inflight.query === query && (inflight.withAnswer || !withAnswer)) {
      return inflight.promise;
    }
    if (controller) controller.abort();
    controller = new AbortController();
    lastSent = Date.now();
    const params = new URLSearchParams({ q: query, limit: String(LIMIT), prefix: "true" });
    if (withAnswer) {
      params.set("answer", "true");
      params.set("channel", "agent"); // for the insights: asked in the console
    }
    const mine = { query, withAnswer };
    mine.promise = fetch(`/api/v1/search?${params}`, {
      headers: { Accept: "application/json" },
      signal: controller.signal,
    })
      .then(json)
      .then((found) => {
        if (inflight === mine) render(query, found, withAnswer);
      })
      .catch((err) => {
        if (err && err.name === "AbortError") return;
        if (inflight !== mine) return;
        markStale(
          err && err.name === "RateLimited"
            ? `Too many searches in a minute: wait ${err.wait} s, then type again.`
            : "Could not reach the server. Check it is running, then type again.",
        );
      })
      .finally(() => {
        if (inflight === mine) inflight = null;
      });
    inflight = mine;
    return mine.promise;
  }

  function onType() {
    chosen = false;
    clearTimeout(searchTimer);
    clearTimeout(answerTimer);
    const query = wanted();
    if (!enough(query)) {
      if (controller) controller.abort();
      inflight = null;
      renderEmpty(
        query
          ? "Type at least two letters: matching clauses and the widget's answer appear as you type."
          : "Start typing: matching clauses and the widget's answer appear as you type.",
      );
      return;
    }
    const wait = Math.max(DEBOUNCE_MS, lastSent + MIN_GAP_MS - Date.now());
    searchTimer = setTimeout(() => fetchFor(false), wait);
    answerTimer = setTimeout(() => fetchFor(true), ANSWER_PAUSE_MS);
  }

  /** The results for exactly what is typed, answer included, before copying from them. */
  async function upToDate() {
    clearTimeout(searchTimer);
    clearTimeout(answerTimer);
    await fetchFor(true);
    return !stale && shown !== null && shown.query === wanted();
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
    if (stale) {
      showToast("Not copied: these results are out of date. Type again, or wait, to update them.");
      return;
    }
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

  input.addEventListener("input", onType);

  form.addEventListener("submit", (event) => event.preventDefault());

  input.addEventListener("keydown", async (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      chosen = true;
      select(selected + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (!enough(wanted())) return;
      if (await upToDate()) copy(selected);
      else if (stale) showToast("Not copied: these results are out of date. Type again, or wait, to update them.");
    } else if (event.key === "Escape") {
      event.preventDefault();
      input.value = "";
      onType();
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.key === "/" && document.activeElement !== input && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      input.focus();
      input.select();
    }
  });

  renderEmpty("Start typing: matching clauses and the widget's answer appear as you type.");
  input.focus();
  if (enough(wanted())) fetchFor(true); // the browser restored a query
})();
