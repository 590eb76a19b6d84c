// One exchange in full: its facts, its contract findings, the request and the response (pretty
// JSON with the findings' pointers highlighted; a stream's frames with their times and timeline),
// headers as recordings redact them, and copy as curl / as a scenario rule / download as a
// `validate` JSONL line.

import { call, withToken } from "./api.js";
import { jsonView, textView } from "./json.js";
import { timeline } from "./timeline.js";

function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "class") node.className = value; else node.setAttribute(key, value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function facts(pairs) {
  const list = h("dl", { class: "facts" });
  for (const [name, value] of pairs) {
    if (value === null || value === undefined || value === "") continue;
    list.append(h("dt", {}, name), h("dd", {}, String(value)));
  }
  return list;
}

/** Headers, folded away: credentials show as recordings redact them. */
function headersTable(headers) {
  const table = h("table", { class: "headers" });
  for (const { name, value } of headers) table.append(h("tr", {}, h("td", {}, name), h("td", {}, value)));
  return h("details", {}, h("summary", {}, `Headers (${headers.length})`), table);
}

function body(message, highlighted) {
  if ("body" in message) return jsonView(message.body, highlighted);
  if ("body_text" in message) return textView(message.body_text, highlighted);
  return h("p", { class: "muted" }, "(no body)");
}

/** `curl` for the request, the key left to the shell (credentials are redacted here). */
export function curl(exchange) {
  const request = exchange.request;
  const quote = (s) => "'" + String(s).replaceAll("'", "'\\''") + "'";
  const parts = [`curl -X ${request.method} ${quote(location.origin + request.url)}`];
  for (const { name, value } of request.headers) {
    const lower = name.toLowerCase();
    if (["host", "content-length", "connection", "accept-encoding"].includes(lower)) continue;
    if (lower === "authorization" && value === "[redacted]") parts.push(`-H "Authorization: Bearer $OPENAI_API_KEY"`);
    else parts.push(`-H ${quote(`${name}: ${value}`)}`);
  }
  if ("body" in request) parts.push(`--data-raw ${quote(JSON.stringify(request.body))}`);
  else if ("body_text" in request) parts.push(`--data-raw ${quote(request.body_text)}`);
  return parts.join(" \\\n  ");
}

/** The text an answer said: a chat message or Responses output text, whole or from its frames. */
function answerText(exchange, frames) {
  const body = exchange.response.body;
  if (body?.choices) return body.choices[0]?.message?.content ?? null;
  if (body?.output) {
    const parts = body.output.filter((item) => item.type === "message").flatMap((item) => item.content ?? []);
    const texts = parts.filter((part) => part.type === "output_text").map((part) => part.text);
    return texts.length ? texts.join("") : null;
  }
  if (!frames) return null;
  let text = null;
  for (const frame of frames) {
    const data = frame.data.trim().split("\n").find((line) => line.startsWith("data: "));
    if (!data || data === "data: [DONE]") continue;
    let event;
    try { event = JSON.parse(data.slice(6)); } catch { continue; }
    const piece = event.type === "response.output_text.delta" ? event.delta : event.choices?.[0]?.delta?.content;
    if (typeof piece === "string") text = (text ?? "") + piece;
  }
  return text;
}

/**
 * A scenario rule (the --scenarios / admin API YAML) that answers the same request the same way:
 * matched on its path and model; the error with its status and message, the fault, or the answer's
 * text with its usage (and a stream's time to first token).
 */
export function scenarioRule(detail) {
  const { summary: s, exchange, frames } = detail;
  const q = (value) => JSON.stringify(String(value));  // a JSON string is a YAML double-quoted scalar
  const match = [`path: ${q(s.path)}`];
  if (typeof exchange.request.body?.model === "string") match.push(`model: ${q(exchange.request.body.model)}`);
  const lines = ["scenarios:", `  - name: ${q(`exchange-${s.id}`)}`, `    match: {${match.join(", ")}}`];
  const error = exchange.response.body?.error;
  if (s.fault) {
    lines.push(`    fault: ${q(s.fault)}`);
  } else if (s.status >= 400) {
    lines.push(`    error: {status: ${s.status}${typeof error?.message === "string" ? `, message: ${q(error.message)}` : ""}}`);
  } else {
    const text = answerText(exchange, frames);
    if (text === null) {
      lines.push("    pass: true");
    } else {
      lines.push(`    reply: ${q(text)}`);
      if (s.tokens_in !== null) lines.push(`    usage: {prompt_tokens: ${s.tokens_in}, completion_tokens: ${s.tokens_out}}`);
    }
    if (frames && s.ttft_ms !== null) lines.push(`    latency: {first_token_ms: ${Math.round(s.ttft_ms)}}`);
  }
  return lines.join("\n") + "\n";
}

function framesTable(frames, highlightedEvents) {
  const table = h("table", { class: "frames", "aria-label": "frames" },
    h("thead", {}, h("tr", {}, h("th", { class: "num" }, "#"), h("th", { class: "num" }, "due ms"),
      h("th", { class: "num" }, "sent ms"), h("th", {}, "data"))));
  const rows = h("tbody");
  frames.forEach((frame, i) => {
    rows.append(h("tr", highlightedEvents.has(i) ? { class: "hl" } : {},
      h("td", { class: "num" }, String(i)), h("td", { class: "num" }, frame.due_ms.toFixed(1)),
      h("td", { class: "num" }, frame.sent_ms.toFixed(1)), h("td", { class: "data" }, frame.data.trim())));
  });
  table.append(rows);
  return table;
}

/** Shows exchange `id` in `panel`. */
export async function showDetail(panel, id) {
  panel.hidden = false;
  panel.replaceChildren(h("p", { class: "muted" }, "loading…"));
  let detail;
  try {
    detail = await call(`/exchanges/${id}`);
  } catch (error) {
    panel.replaceChildren(h("p", { class: "error" }, error.message));
    return;
  }
  const { summary: s, exchange, findings } = detail;
  const pointers = (place) => new Set(findings.filter((f) => f.place === place && f.pointer !== null).map((f) => f.pointer));
  const events = new Set(findings.filter((f) => f.place.startsWith("event ")).map((f) => Number(f.place.slice(6))));

  const copy = h("button", { type: "button", id: "copy-curl" }, "Copy as curl");
  copy.addEventListener("click", async () => {
    const text = curl(exchange);
    try { await navigator.clipboard.writeText(text); copy.textContent = "Copied"; } catch { window.prompt("curl", text); }
  });
  const copyRule = h("button", { type: "button", id: "copy-rule" }, "Copy as scenario rule");
  copyRule.addEventListener("click", async () => {
    const text = scenarioRule(detail);
    try { await navigator.clipboard.writeText(text); copyRule.textContent = "Copied"; } catch { window.prompt("scenario rule", text); }
  });
  const download = h("a", { href: withToken(`/exchanges/${id}.jsonl`), download: `exchange-${id}.jsonl`, id: "download" }, "Download JSONL");
  const close = h("button", { type: "button", "aria-label": "close detail" }, "×");
  close.addEventListener("click", () => { panel.hidden = true; });

  const findingList = findings.length === 0
    ? h("p", { class: "v-pass" }, "No contract findings.")
    : h("ul", { class: "findings", id: "findings" }, ...findings.map((f) => h("li", {},
      h("strong", {}, f.place), " ", f.pointer !== null ? h("code", { class: "ptr" }, f.pointer || "(root)") : null, " ", f.message)));

  const response = [h("h3", {}, `Response ${s.status ?? "(no HTTP answer)"}`), headersTable(exchange.response.headers)];
  if (detail.frames) {
    response.push(h("h3", {}, `Timeline: ${detail.frames.length} frames${detail.ending ? `, ended: ${detail.ending}` : ""}`),
      timeline(detail.frames, { fault: s.fault, ending: detail.ending }),
      framesTable(detail.frames, events));
    if (detail.frames_dropped > 0) response.push(h("p", { class: "muted" }, `${detail.frames_dropped} more frames not kept (the body limit).`));
  } else {
    response.push(body(exchange.response, pointers("response")));
  }

  panel.replaceChildren(
    h("div", { class: "row" }, h("h2", {}, `#${s.id} ${s.method} ${s.path}`), close),
    h("div", { class: "row" }, copy, copyRule, download),
    facts([["status", s.status ?? "fault"], ["route", s.route], ["model", s.model], ["flavour", s.flavor],
      ["duration", `${s.duration_ms.toFixed(1)} ms`], ["TTFT", s.ttft_ms !== null ? `${s.ttft_ms.toFixed(1)} ms` : null],
      ["tokens", s.tokens_in !== null ? `${s.tokens_in} in, ${s.tokens_out} out` : null],
      ["scenario", s.scenario], ["fault", s.fault], ["attempts", s.attempts], ["verdict", s.verdict]]),
    h("h3", {}, "Contract"), findingList,
    h("h3", {}, "Request"), headersTable(exchange.request.headers), body(exchange.request, pointers("request")),
    ...response);
}
