// The page: the live list of exchanges (newest first) with its filters, pause and clear, the
// detail of the one chosen, and the controls' tab.

import { call, follow } from "./api.js";
import { showDetail } from "./detail.js";
import { showRateLimits, showScenarios, wireControls } from "./controls.js";
import { showMetrics } from "./metrics.js";
import { countRow, drawRate } from "./rate.js";

const $ = (selector) => document.querySelector(selector);
const rowsBody = $("#rows");
/** Rows shown, by exchange id; the newest `maxRows` are kept in the page. */
const rows = new Map();
const maxRows = 2000;
let clearedThrough = 0;
let paused = false;
let held = [];
/** A refresh of the ring's figures, due shortly after rows arrive. */
let statsDue = null;
const seen = { model: new Set(), route: new Set(), scenario: new Set() };

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text ?? "";
  if (className) td.className = className;
  return td;
}

/** Dollars to four significant digits: `$0.0001275`. */
function dollars(value) {
  if (value === null || value === undefined) return "";
  let text = value.toPrecision(4);
  if (text.includes(".") && !text.includes("e")) text = text.replace(/0+$/, "").replace(/\.$/, "");
  return `$${text}`;
}

const ms = (value) => (value === null || value === undefined ? "" : `${value.toFixed(1)} ms`);

function time(at) {
  const d = new Date(at);
  return d.toLocaleTimeString([], { hour12: false }) + "." + String(d.getMilliseconds()).padStart(3, "0");
}

function makeRow(s) {
  const tr = document.createElement("tr");
  // One row in the tab order at a time (↑/↓ move it), not a thousand.
  tr.tabIndex = -1;
  tr.dataset.id = s.id;
  tr.dataset.status = s.status ?? "fault";
  tr.dataset.verdict = s.verdict;
  const status = s.status === null ? "fault" : String(s.status);
  const verdict = document.createElement("td");
  const badge = document.createElement("span");
  badge.className = `verdict v-${s.verdict}`;
  badge.textContent = s.verdict === "pass" ? "pass" : `${s.verdict} ✗ ${s.findings}`;
  verdict.append(badge);
  tr.append(cell(time(s.at), "mono"), cell(s.method), cell(s.path, "path mono"), cell(s.model), cell(s.flavor),
    cell(status, `s${status[0] === "f" ? "fault" : status[0]}`), cell(ms(s.duration_ms), "num"), cell(s.stream ? ms(s.ttft_ms) : "", "num"),
    cell(s.tokens_in === null ? "" : `${s.tokens_in} / ${s.tokens_out}`, "num"), cell(dollars(s.cost), "num"),
    cell([s.scenario, s.fault, s.attempts].filter(Boolean).join(" · ")), verdict);
  tr.summary = s;
  return tr;
}

function matches(s) {
  const status = $("#f-status").value, model = $("#f-model").value, route = $("#f-route").value;
  const scenario = $("#f-scenario").value, verdict = $("#f-verdict").value;
  const text = $("#f-text").value.trim().toLowerCase();
  if (status === "fault" ? s.status !== null : status && String(s.status ?? "")[0] !== status) return false;
  if (model && s.model !== model) return false;
  if (route && s.route !== route) return false;
  if (scenario && s.scenario !== scenario) return false;
  if (verdict && s.verdict !== verdict) return false;
  if (text) {
    const haystack = [s.method, s.path, s.model, s.flavor, s.route, s.scenario, s.fault, s.attempts, s.status].join(" ").toLowerCase();
    if (!haystack.includes(text)) return false;
  }
  return true;
}

function noteOptions(s) {
  for (const key of ["model", "route", "scenario"]) {
    const value = s[key];
    if (!value || seen[key].has(value)) continue;
    seen[key].add(value);
    const option = document.createElement("option");
    option.value = option.textContent = value;
    $(`#f-${key}`).append(option);
  }
}

function addRow(s) {
  if (s.id <= clearedThrough || rows.has(s.id)) return;
  const tr = makeRow(s);
  tr.hidden = !matches(s);
  // Newest first: walk down to the first older row (new rows are nearly always the newest).
  let after = rowsBody.firstElementChild;
  while (after && Number(after.dataset.id) > s.id) after = after.nextElementSibling;
  rowsBody.insertBefore(tr, after);
  if (!rowsBody.querySelector('tr[tabindex="0"]')) tr.tabIndex = 0;
  rows.set(s.id, tr);
  noteOptions(s);
  while (rows.size > maxRows) {
    const last = rowsBody.lastElementChild;
    rows.delete(Number(last.dataset.id));
    last.remove();
  }
  $("#empty").hidden = rows.size > 0;
}

function refilter() {
  for (const tr of rows.values()) tr.hidden = !matches(tr.summary);
}

/** The newest `limit` rows added to the list, and what the ring holds shown; the scenarios' hits. */
async function load(limit = 1000) {
  const listing = await call(`/exchanges?limit=${limit}`);
  for (const s of listing.data) addRow(s);
  const size = (bytes) => (bytes < 1048576 ? `${(bytes / 1024).toFixed(0)} KiB` : `${(bytes / 1048576).toFixed(1)} MiB`);
  $("#held").textContent = `ring: ${size(listing.held_bytes)} of ${size(listing.byte_limit)}, ` +
    `${listing.exchanges} exchanges${listing.evicted ? `, ${listing.evicted} evicted` : ""}`;
  return listing.scenario_hits;
}

function select(tr) {
  for (const other of rowsBody.querySelectorAll('tr[aria-selected="true"]')) other.removeAttribute("aria-selected");
  tr.setAttribute("aria-selected", "true");
  showDetail($("#detail"), tr.dataset.id);
}

function wireList() {
  rowsBody.addEventListener("click", (event) => {
    const tr = event.target.closest("tr");
    if (tr) select(tr);
  });
  rowsBody.addEventListener("keydown", (event) => {
    const tr = event.target.closest("tr");
    if (!tr) return;
    const step = { ArrowDown: "nextElementSibling", ArrowUp: "previousElementSibling" }[event.key];
    if (step) {
      let next = tr[step];
      while (next && next.hidden) next = next[step];
      if (next) {
        tr.tabIndex = -1;
        next.tabIndex = 0;
        next.focus();
        event.preventDefault();
      }
    } else if (event.key === "Enter" || event.key === " ") {
      select(tr);
      event.preventDefault();
    }
  });
  for (const id of ["#f-status", "#f-model", "#f-route", "#f-scenario", "#f-verdict", "#f-text"]) $(id).addEventListener("input", refilter);
  $("#filters").addEventListener("submit", (event) => event.preventDefault());
  $("#pause").addEventListener("click", () => {
    paused = !paused;
    $("#pause").setAttribute("aria-pressed", String(paused));
    $("#pause").textContent = paused ? `Resume` : "Pause";
    if (!paused) { for (const s of held) addRow(s); held = []; }
  });
  $("#clear").addEventListener("click", () => {
    clearedThrough = Math.max(clearedThrough, ...rows.keys(), ...held.map((s) => s.id));
    held = [];
    rows.clear();
    rowsBody.replaceChildren();
    $("#detail").hidden = true;
    $("#empty").hidden = false;
  });
}

function wireTabs() {
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    tab.addEventListener("click", async () => {
      for (const other of document.querySelectorAll('[role="tab"]')) {
        const selected = other === tab;
        other.setAttribute("aria-selected", String(selected));
        $(`#${other.getAttribute("aria-controls")}`).hidden = !selected;
      }
      if (tab.id === "tab-controls") {
        refreshControls();
        showScenarios(await load());
      }
    });
  }
}

/** The rate-limit windows and the metrics, while the controls are shown. */
function refreshControls() {
  if ($("#view-controls").hidden) return;
  showRateLimits();
  showMetrics();
}

wireList();
wireTabs();
setInterval(() => load(0).catch(() => {}), 2000);
setInterval(() => drawRate($("#rate")), 1000);
setInterval(refreshControls, 2000);
wireControls(load);
follow({
  onRow: (s) => {
    countRow(s);
    if (paused) { if (held.length < 10000) held.push(s); } else addRow(s);
    if (!statsDue) statsDue = setTimeout(() => { statsDue = null; load(0).catch(() => {}); }, 300);
  },
  onOpen: () => load().catch(() => {}),
  onState: (on) => {
    const live = $("#live");
    live.className = on ? "live on" : "live off";
    live.textContent = on ? "live" : "reconnecting…";
  },
});
