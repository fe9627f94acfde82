// The search page: calls /api/search and draws ranked clips with a heat strip per query word.
"use strict";

const form = document.getElementById("search-form");
const statusEl = document.getElementById("status");
const resultsEl = document.getElementById("results");
const tokensEl = document.getElementById("tokens");

function fmtTime(s) {
  const m = Math.floor(s / 60);
  const sec = Math.floor(s % 60);
  return m + ":" + String(sec).padStart(2, "0");
}

function fmt(x) {
  return x === null || x === undefined ? "–" : Number(x).toFixed(3);
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

// White → dark blue by the value's place between lo and hi: one scale for every strip of a result,
// so a flat row looks flat next to a peaked one.
function colour(v, lo, hi) {
  const t = hi > lo ? (v - lo) / (hi - lo) : 1;
  const r = Math.round(240 - t * 200), g = Math.round(244 - t * 170), b = Math.round(255 - t * 60);
  return "rgb(" + r + "," + g + "," + b + ")";
}

function strip(token, lo, hi) {
  const row = el("div", "strip-row");
  row.appendChild(el("span", "word", token.word + " (" + token.tag + ")"));
  const s = el("div", "strip");
  s.dataset.word = token.word;
  s.dataset.scale = lo.toFixed(3) + "…" + hi.toFixed(3);
  token.perFrame.forEach((v, i) => {
    const c = el("span", i === token.bestFrame ? "cell best" : "cell");
    c.style.background = colour(v, lo, hi);
    c.title = token.word + " at " + fmtTime(token.frameTimes[i]) + ": " + v.toFixed(3);
    s.appendChild(c);
  });
  row.appendChild(s);
  row.appendChild(el("span", "best-second", "best " + fmtTime(token.bestSecond)));
  return row;
}

/** The second the hit's link opens at: where the heaviest word matched best, else the clip's start (as the server's url). */
function watchSecond(h) {
  let best = null;
  for (const w of h.words) {
    if (best === null || w.weight > best.weight) best = w;
  }
  return best === null ? h.start : best.bestSecond;
}

/** The query's tokens of interest as words: a word's pieces (whisk = w ##his ##k) are one chip, their weights summed. */
function queryWords(tokens) {
  const words = [];
  for (const t of tokens) {
    const last = words[words.length - 1];
    if (last && t.piece.startsWith("##") && last.word === t.word) {
      last.weight += t.weight;
      last.pieces.push(t.piece);
    } else {
      words.push({word: t.word, tag: t.tag, weight: t.weight, pieces: [t.piece]});
    }
  }
  return words;
}

function renderHit(h, flagged) {
  const li = el("li", "hit");
  li.dataset.clip = h.clipId;
  const head = el("div", "head");
  head.appendChild(el("span", "title", "#" + h.rank + "  " + h.videoId + "  " + fmtTime(h.start) + "–" + fmtTime(h.end)));
  const sc = el("span", "scores");
  sc.appendChild(document.createTextNode("s1 " + fmt(h.s1) + "  s2 " + fmt(h.s2) + "  "));
  sc.appendChild(el("span", h.rescored ? "" : "unscored", "s3 " + fmt(h.s3)));
  sc.appendChild(document.createTextNode("  "));
  sc.appendChild(el("span", "final", "final " + fmt(h.score)));
  if (h.confidence !== null && h.confidence !== undefined) {
    sc.appendChild(document.createTextNode("  "));
    // one rule with the banner: a flagged query's cards are flagged too, never green
    sc.appendChild(flagged
        ? el("span", "confidence flagged", "no good match · confidence " + Math.round(100 * h.confidence) + "%")
        : el("span", "confidence", "confidence " + Math.round(100 * h.confidence) + "%"));
  }
  head.appendChild(sc);
  li.appendChild(head);
  li.appendChild(el("div", "caption", h.caption + "  [" + h.clipId + "]"));
  if (h.url) {
    // the index's link template (taco index --video-url): the video at the matched second
    const a = el("a", "watch", "watch at " + fmtTime(watchSecond(h)));
    a.href = h.url;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    li.appendChild(a);
  }
  if (h.words.length > 0) {
    const axis = el("div", "axis");
    axis.appendChild(el("span"));
    const ends = el("span", "ends");
    const times = h.words[0].frameTimes;
    ends.appendChild(el("span", "", fmtTime(times[0])));
    ends.appendChild(el("span", "", fmtTime(times[times.length - 1])));
    axis.appendChild(ends);
    const lo = Math.min(...h.words.map(t => Math.min(...t.perFrame)));
    const hi = Math.max(...h.words.map(t => Math.max(...t.perFrame)));
    axis.appendChild(el("span", "scale", "scale " + lo.toFixed(1) + "…" + hi.toFixed(1)));
    li.appendChild(axis);
    h.words.forEach(w => li.appendChild(strip(w, lo, hi)));
  }
  return li;
}

async function search(q, k) {
  statusEl.className = "status";
  statusEl.textContent = "Searching…";
  resultsEl.replaceChildren();
  tokensEl.replaceChildren();
  let res, body;
  try {
    res = await fetch("/api/search?q=" + encodeURIComponent(q) + "&k=" + encodeURIComponent(k));
    body = await res.json();
  } catch (e) {
    statusEl.className = "status error";
    statusEl.textContent = "Request failed: " + e;
    return;
  }
  if (!res.ok) {
    statusEl.className = "status error";
    statusEl.textContent = body.error || ("HTTP " + res.status);
    return;
  }
  queryWords(body.tokens).forEach(w => {
    const chip = el("span", "token", w.word + " · " + w.tag + " · " + w.weight.toFixed(2));
    if (w.pieces.length > 1) chip.title = "word pieces " + w.pieces.join(" ") + ", weights summed";
    tokensEl.appendChild(chip);
  });
  if (body.tokens.length === 0) {
    tokensEl.appendChild(el("span", "token", "no noun or verb in the query: s2 = 0"));
  }
  if (body.match && body.match.noGoodMatch) {
    const lowScore = body.match.confidence !== null && body.match.confidence < 0.05;
    const why = lowScore
        ? "the best clip scores lower than 95% of the best matches of this index's own captions (confidence "
          + Math.round(100 * body.match.confidence) + "%)"
        : "the model never saw " + body.match.unseenWords.join(", ") + " in training";
    resultsEl.appendChild(el("li", "no-match", "No good match: " + why + ". The clips below are the nearest, not answers."));
  }
  if (body.match && body.match.mostlyUnknownWords) {
    resultsEl.appendChild(el("li", "no-match", "Most of these words never occurred in the training captions: "
        + "the model knows English (cooking) captions only."));
  }
  if (body.match && body.match.didYouMean) {
    const li = el("li", "did-you-mean", "Did you mean: ");
    const a = el("a", "suggestion", body.match.didYouMean);
    a.href = "?q=" + encodeURIComponent(body.match.didYouMean) + "&k=" + encodeURIComponent(k);
    a.addEventListener("click", ev => {
      ev.preventDefault();
      run(body.match.didYouMean, k, true);
    });
    li.appendChild(a);
    resultsEl.appendChild(li);
  }
  const flagged = Boolean(body.match && body.match.noGoodMatch);
  body.hits.forEach(h => resultsEl.appendChild(renderHit(h, flagged)));
  statusEl.textContent = body.hits.length + " clips of " + body.indexSize + " (" + body.candidates + " candidates, "
      + body.rescored + " re-scored) in " + body.millis.total.toFixed(1) + " ms";
}

const EXAMPLES = ["add oil to the pan", "season with salt and pepper", "cut the onion into small pieces"];

/** The page without a query: three example queries to start from. */
function showExamples() {
  document.title = "TACo video search";
  statusEl.className = "status";
  statusEl.textContent = "";
  tokensEl.replaceChildren();
  resultsEl.replaceChildren();
  const li = el("li", "examples", "Try: ");
  EXAMPLES.forEach((q, i) => {
    const a = el("a", "example", q);
    a.href = "?q=" + encodeURIComponent(q) + "&k=10";
    a.addEventListener("click", ev => {
      ev.preventDefault();
      run(q, "10", true);
    });
    li.appendChild(a);
    if (i < EXAMPLES.length - 1) li.appendChild(document.createTextNode(" · "));
  });
  resultsEl.appendChild(li);
}

/** Runs a query; a new one goes into the browser's history, so Back returns to the previous query. */
function run(q, k, push) {
  document.getElementById("q").value = q;
  document.getElementById("k").value = k;
  document.title = q + " · TACo video search";
  if (push) history.pushState({q: q, k: k}, "", "?q=" + encodeURIComponent(q) + "&k=" + encodeURIComponent(k));
  search(q, k);
}

form.addEventListener("submit", ev => {
  ev.preventDefault();
  const q = document.getElementById("q").value.trim();
  const k = document.getElementById("k").value || "10";
  if (q) run(q, k, true);
});

/** The page as its address says: a shared link (?q=...&k=...) or Back runs that search, no query shows examples. */
function fromAddress() {
  const params = new URLSearchParams(location.search);
  if (params.get("q")) {
    run(params.get("q"), params.get("k") || "10", false);
  } else {
    document.getElementById("q").value = "";
    showExamples();
  }
}

window.addEventListener("popstate", fromAddress);
fromAddress();
