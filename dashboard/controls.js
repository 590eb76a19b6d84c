// Scenarios and state, through the admin API: the rules with the exchanges each shaped, rules
// added from YAML (errors come back with their line, as the admin API words them) or removed,
// reset, and the server clock.

import { call } from "./api.js";

const $ = (selector) => document.querySelector(selector);

/** Lists the rules; `hits` maps a scenario's name to the exchanges it shaped (the ring's count). */
export async function showScenarios(hits = {}) {
  const body = $("#scenarios tbody");
  let rules = [];
  try { rules = (await call("/scenarios")).scenarios; } catch (error) { $("#add-result").textContent = error.message; }
  body.replaceChildren(...rules.map((rule) => {
    const row = document.createElement("tr");
    const remove = document.createElement("button");
    remove.type = "button";
    remove.textContent = "Remove";
    remove.setAttribute("aria-label", `remove ${rule.name}`);
    remove.addEventListener("click", async () => {
      await call(`/scenarios/${encodeURIComponent(rule.name)}`, { method: "DELETE" });
      showScenarios(hits);
    });
    for (const text of [rule.name, rule.steps, hits[rule.name] ?? 0]) {
      const cell = document.createElement("td");
      cell.textContent = String(text);
      if (typeof text === "number") cell.className = "num";
      row.append(cell);
    }
    const last = document.createElement("td");
    last.append(remove);
    row.append(last);
    return row;
  }));
  $("#no-scenarios").hidden = rules.length > 0;
}

/** The rate-limit windows in force (`--rate-limit`): each key, masked, with its counts this minute. */
export async function showRateLimits() {
  const body = $("#rate-limits tbody");
  let listing;
  try { listing = await call("/rate-limits"); } catch (error) { $("#rate-limits-note").textContent = error.message; return; }
  const limits = listing.limits;
  if (!limits) {
    $("#rate-limits-note").textContent = "No rate limit: serve with --rate-limit rpm=N,tpm=N to count requests and tokens per key.";
    body.replaceChildren();
    return;
  }
  const shown = (n) => (n === null ? "–" : String(n));
  $("#rate-limits-note").textContent = `Limits: ${shown(limits.requests_per_minute)} requests and ${shown(limits.tokens_per_minute)} tokens a minute per key; this window turns in ${listing.resets_in_seconds} s.`;
  body.replaceChildren(...listing.windows.map((w) => {
    const row = document.createElement("tr");
    for (const value of [w.key, w.requests, shown(w.remaining_requests), w.tokens, shown(w.remaining_tokens)]) {
      const cell = document.createElement("td");
      cell.textContent = String(value);
      if (value !== w.key) cell.className = "num";
      row.append(cell);
    }
    return row;
  }));
}

export function wireControls(refreshHits) {
  $("#add").addEventListener("click", async () => {
    const result = $("#add-result");
    result.className = "";
    let said;
    try {
      const answer = await call("/scenarios", { method: "POST", headers: { "content-type": "application/yaml" }, body: $("#yaml").value });
      said = `added ${answer.added.join(", ")}`;
    } catch (error) {
      result.className = "error";
      said = error.message;
    }
    // The list first, then the status line: "added" is announced once the table shows the rule.
    await showScenarios(await refreshHits());
    result.textContent = said;
  });
  $("#set-clock").addEventListener("click", async () => {
    const result = $("#clock-result");
    result.className = "";
    try {
      const answer = await call("/clock", { method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ clock: $("#clock").value.trim() }) });
      result.textContent = `now ${answer.now}`;
    } catch (error) {
      result.className = "error";
      result.textContent = error.message;
    }
  });
  $("#reset").addEventListener("click", async () => {
    try {
      await call("/reset", { method: "POST" });
      $("#reset-result").textContent = "reset";
    } catch (error) {
      $("#reset-result").textContent = error.message;
    }
  });
}
