// The server's /metrics (Prometheus' text format) as small live charts: the answers by status and
// the time-to-first-token and inter-token histograms, redrawn every two seconds while the controls
// are shown. Parsed and drawn here; nothing else is fetched.

import { authHeaders } from "./api.js";

const NS = "http://www.w3.org/2000/svg";
const $ = (selector) => document.querySelector(selector);

/** Every sample of a Prometheus text exposition: name, labels, value. */
export function parseMetrics(text) {
  const samples = [];
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels = {};
    for (const [, key, value] of (match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[key] = value;
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** A histogram's buckets as counts per bucket (not cumulative), with its count and sum. */
export function histogram(samples, name) {
  const cumulative = samples.filter((s) => s.name === `${name}_bucket`)
    .map((s) => ({ le: s.labels.le === "+Inf" ? Infinity : Number(s.labels.le), count: s.value }))
    .sort((a, b) => a.le - b.le);
  const buckets = cumulative.map((b, i) => ({ le: b.le, count: b.count - (i > 0 ? cumulative[i - 1].count : 0) }));
  const total = samples.find((s) => s.name === `${name}_count`)?.value ?? 0;
  const sum = samples.find((s) => s.name === `${name}_sum`)?.value ?? 0;
  return { buckets, total, sum };
}

const milliseconds = (seconds) => (seconds === Infinity ? "more" : `${+(seconds * 1000).toPrecision(3)} ms`);

/** Bars per bucket in `svg` (viewBox 0 0 240 48), labelled for screen readers. */
function drawHistogram(svg, label, { buckets, total, sum }, what) {
  svg.replaceChildren();
  const peak = Math.max(1, ...buckets.map((b) => b.count));
  const width = 240 / Math.max(1, buckets.length);
  buckets.forEach((bucket, i) => {
    const height = (bucket.count / peak) * 40;
    const bar = document.createElementNS(NS, "rect");
    for (const [key, value] of Object.entries({ x: i * width + 1, y: 40 - height, width: width - 2, height, class: "bar" })) bar.setAttribute(key, value);
    const title = document.createElementNS(NS, "title");
    title.textContent = `≤ ${milliseconds(bucket.le)}: ${bucket.count}`;
    bar.append(title);
    svg.append(bar);
  });
  const axis = document.createElementNS(NS, "text");
  axis.setAttribute("x", 0); axis.setAttribute("y", 47);
  axis.textContent = buckets.length ? `≤ ${milliseconds(buckets[0].le)} … ${milliseconds(buckets.at(-1).le)}` : "";
  svg.append(axis);
  const busiest = buckets.reduce((a, b) => (b.count > a.count ? b : a), { le: 0, count: 0 });
  svg.setAttribute("aria-label", `${what}: ${total} observed${busiest.count ? `, most ≤ ${milliseconds(busiest.le)}` : ""}`);
  label.textContent = total ? `${what}: ${total} observed, mean ${milliseconds(sum / total)}` : `${what}: none yet`;
}

/** Fetches /metrics once and redraws the status mix and both histograms. */
export async function showMetrics() {
  let text;
  try {
    const response = await fetch("/metrics", { headers: authHeaders() });
    if (!response.ok) throw new Error(`/metrics answered ${response.status}`);
    text = await response.text();
  } catch (error) {
    $("#status-mix").textContent = error.message;
    return;
  }
  const samples = parseMetrics(text);
  const statuses = {};
  // The API's answers: the admin API (this page's own calls) and health checks are left out.
  const service = new Set(["admin", "health", "openapi"]);
  for (const s of samples.filter((s) => s.name === "understudy_requests_total" && !service.has(s.labels.route))) {
    statuses[s.labels.status] = (statuses[s.labels.status] ?? 0) + s.value;
  }
  const mix = Object.entries(statuses).sort(([a], [b]) => a.localeCompare(b));
  $("#status-mix").textContent = mix.length ? mix.map(([status, n]) => `${status}: ${n}`).join(" · ") : "no answers yet";
  drawHistogram($("#ttft-chart"), $("#ttft-label"), histogram(samples, "understudy_time_to_first_token_seconds"), "time to first token");
  drawHistogram($("#inter-chart"), $("#inter-label"), histogram(samples, "understudy_inter_token_seconds"), "between frames");
}
