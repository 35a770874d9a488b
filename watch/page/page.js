// The live view: one EventSource stream of updates from the watcher
// (page.go's update), drawn into the page; buttons post to /step, /run
// and /pause. Plain JavaScript, no library: the page works offline.
"use strict";

// keepRows is how many rows of the diagram the page keeps: a screen's
// worth and some, so that a page left open for hours stays small.
const keepRows = 60;

const $ = (id) => document.getElementById(id);
let rows = [];        // the rows kept, oldest first
let lanes = [];       // every lane seen, in the diagram's order
let timer = null;     // the auto-stepping interval, at a speed below full
let fresh = new Set(); // the rows of the last update that had any, marked
let held = false;
let ended = false;

// post presses a button of the watcher (page.go: routes), with the header
// that tells it the request comes from this page.
function post(what) {
  return fetch(what, { method: "POST", headers: { "X-Loopkit-Watch": "1" } });
}

// run lets the loop run: at full speed the watcher stops holding it; at a
// chosen speed the page steps it, one iteration per tick.
function run() {
  stopTicking();
  const speed = Number($("speed").value);
  if (speed === 0) {
    post("run");
  } else {
    post("step");
    timer = setInterval(() => post("step"), 1000 / speed);
  }
  drawMode();
}

function pause() {
  stopTicking();
  post("pause");
  drawMode();
}

function step() {
  stopTicking();
  post("step");
  drawMode();
}

function stopTicking() {
  if (timer !== null) {
    clearInterval(timer);
    timer = null;
  }
}

$("step").onclick = step;
$("run").onclick = run;
$("pause").onclick = pause;
$("speed").onchange = () => { if (timer !== null || !held) run(); };

// Keys, for a teacher at the projector with a presentation remote (which
// sends PageDown and the arrows): the next page steps.
document.addEventListener("keydown", (e) => {
  if (e.target instanceof HTMLSelectElement || e.ctrlKey || e.metaKey || e.altKey) return;
  switch (e.key) {
    case "ArrowRight": case "ArrowDown": case "PageDown": case " ": step(); break;
    case "r": run(); break;
    case "p": pause(); break;
    default: return;
  }
  e.preventDefault();
});

// The stream starts with what the watcher holds; a stream opened again
// (the browser reconnects by itself to a loopkit watch started anew) starts
// the diagram afresh.
const events = new EventSource("events");
events.onopen = () => { rows = []; fresh = new Set(); };
events.onmessage = (msg) => draw(JSON.parse(msg.data));
events.onerror = () => { $("mode").textContent = "disconnected"; $("mode").className = "mode"; };

function draw(u) {
  held = u.held;
  ended = u.ended;
  if (ended) stopTicking();
  if (u.title) { $("title").textContent = u.title; document.title = u.title; }
  $("dropped").textContent = u.dropped;
  $("coalesced").textContent = u.coalesced;
  drawMode();
  drawFrame(u.frame);
  if ((u.rows || []).length) {
    fresh = new Set(u.rows.map((r) => r.seq));
  }
  rows = rows.concat(u.rows || []).slice(-keepRows);
  lanes = u.frame.lanes || lanes;
  drawDiagram(u.frame);
  $("ended").hidden = !ended;
}

function drawMode() {
  const mode = $("mode");
  if (ended) {
    mode.textContent = "ended";
    mode.className = "mode ended";
  } else if (timer !== null) {
    mode.textContent = "running at " + $("speed").value + "/s";
    mode.className = "mode running";
  } else if (held) {
    mode.textContent = "paused";
    mode.className = "mode held";
  } else {
    mode.textContent = "running";
    mode.className = "mode running";
  }
}

function drawFrame(f) {
  $("iteration").textContent = f.iteration || "–";
  $("clock").textContent = f.clock || "–";
  const p = f.poll;
  $("poll").textContent = p && p.iteration
    ? "#" + p.iteration + ": poll(" + p.timeout + ") watching " + list(p.watching) +
      "; ready: " + list(p.ready)
    : "none yet";
  fillList($("readers"), f.readers);
  fillList($("writers"), f.writers);
  fillList($("timers"), (f.timers || []).map((t) => t.deadline + " (in " + t.in + ")"));
  $("ready").textContent = f.ready;
  const tbody = $("coroutines");
  tbody.replaceChildren();
  for (const co of f.coroutines || []) {
    const tr = document.createElement("tr");
    tr.dataset.name = co.name;
    tr.dataset.parkedOn = co.parkedOn;
    tr.append(cell("name", co.name),
      cell("what", co.parkedOn ? "parked on " + co.parkedOn : "not started yet"));
    tbody.append(tr);
  }
  if (!(f.coroutines || []).length) {
    const tr = document.createElement("tr");
    tr.append(cell("what", "none"));
    tbody.append(tr);
  }
}

function list(items) {
  return items && items.length ? items.join(" ") : "nothing";
}

function fillList(ul, items) {
  ul.replaceChildren(...(items || []).map((s) => {
    const li = document.createElement("li");
    li.textContent = s;
    return li;
  }));
}

function cell(cls, text) {
  const td = document.createElement("td");
  td.className = cls;
  td.textContent = text;
  return td;
}

// drawDiagram draws the rows kept, in the lanes they use (and the loop's),
// in the diagram's order: a lane shows while a row in sight touches it.
// As in loopkit trace, a lane's line runs from its first row to its last,
// and on to the bottom while its fd is watched or its coroutine lives.
function drawDiagram(f) {
  const first = new Map(), last = new Map([["loop", rows.length - 1]]);
  first.set("loop", 0);
  rows.forEach((r, i) => {
    for (const name of [r.from, r.to, ...(r.dots || [])]) {
      if (!first.has(name)) first.set(name, i);
      last.set(name, Math.max(last.get(name) ?? i, i));
    }
  });
  const alive = [...(f.readers || []), ...(f.writers || []), ...(f.coroutines || []).map((co) => co.name)];
  for (const name of alive) {
    if (first.has(name)) last.set(name, rows.length - 1);
  }
  const shown = lanes.filter((l) => first.has(l.name)).map((l) => l.name);
  const head = $("lanes");
  head.replaceChildren(th("", "iter"), th("", "time"),
    ...shown.map((name) => th("lane", name)), th("", ""));
  const body = $("rows");
  body.replaceChildren(...rows.map((r, i) => drawRow(r, i, shown, first, last)));
  const scroll = $("scroll");
  scroll.scrollTop = scroll.scrollHeight;
}

function th(cls, text) {
  const h = document.createElement("th");
  h.className = cls;
  h.textContent = text;
  return h;
}

// drawRow draws row r, the i-th kept, as loopkit trace does: ● where it
// happens, an arrow ●──▶ from the lane that acts to the lane it hands to,
// ┼ where it crosses a lane, │ for a lane that lives through the row.
function drawRow(r, i, shown, first, last) {
  const tr = document.createElement("tr");
  tr.dataset.seq = r.seq;
  tr.classList.toggle("poll", !!r.iteration);
  tr.classList.toggle("new", fresh.has(r.seq));
  tr.append(cell("iter", r.iteration || ""), cell("at", r.at || ""));
  const from = shown.indexOf(r.from), to = shown.indexOf(r.to);
  const lo = Math.min(from, to), hi = Math.max(from, to);
  const dots = new Set(r.dots || []);
  shown.forEach((name, j) => {
    const lives = first.get(name) <= i && i <= last.get(name);
    let mark = lives ? "│" : " ", cls = "cell";
    if (j === from || dots.has(name)) { mark = "●"; cls = "cell on"; }
    if (from !== to) {
      if (j === to) { mark = to > from ? "▶" : "◀"; cls = "cell arrow"; }
      else if (j > lo && j < hi && !dots.has(name)) { mark = lives ? "┼" : "─"; cls = "cell arrow"; }
    }
    tr.append(cell(cls, mark));
  });
  tr.append(cell("text", r.text));
  return tr;
}
