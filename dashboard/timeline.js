// A stream's timeline as SVG, drawn here (no chart library): the request read at 0, the time to
// first token, each frame's sent time (a tick) over its due time (a ring), the longest gap shaded,
// and the fault injected, if any.

const NS = "http://www.w3.org/2000/svg";

function el(name, attributes, text) {
  const node = document.createElementNS(NS, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** `frames`: [{due_ms, sent_ms}]; `fault`: the fault's name or null. */
export function timeline(frames, { fault = null, ending = null } = {}) {
  const width = 800, height = 90, left = 10, right = 790, axis = 60;
  const end = Math.max(1, ...frames.map((f) => Math.max(f.sent_ms, f.due_ms)));
  const x = (ms) => left + (ms / end) * (right - left);
  const svg = el("svg", { class: "timeline", viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": `stream timeline: ${frames.length} frames over ${end.toFixed(1)} ms` });
  // The longest gap between frames sent one after the other.
  let gap = { from: 0, to: 0 };
  frames.forEach((frame, i) => {
    const before = i === 0 ? 0 : frames[i - 1].sent_ms;
    if (i > 0 && frame.sent_ms - before > gap.to - gap.from) gap = { from: before, to: frame.sent_ms };
  });
  if (gap.to > gap.from) {
    svg.append(el("rect", { class: "gap", x: x(gap.from), y: 14, width: Math.max(1, x(gap.to) - x(gap.from)), height: axis - 14 }));
    svg.append(el("text", { x: Math.min(x(gap.from) + 2, right - 120), y: 24 }, `longest gap ${(gap.to - gap.from).toFixed(1)} ms`));
  }
  svg.append(el("line", { class: "axis", x1: left, y1: axis, x2: right, y2: axis }));
  for (const frame of frames) {
    svg.append(el("circle", { class: "due", cx: x(frame.due_ms), cy: axis + 8, r: 2.5 }));
    svg.append(el("line", { class: "sent", x1: x(frame.sent_ms), y1: axis - 22, x2: x(frame.sent_ms), y2: axis }));
  }
  if (frames.length > 0) {
    const first = frames[0].sent_ms;
    svg.append(el("line", { class: "ttft", x1: x(first), y1: 6, x2: x(first), y2: axis }));
    svg.append(el("text", { x: Math.min(x(first) + 3, right - 90), y: 10 }, `TTFT ${first.toFixed(1)} ms`));
  }
  svg.append(el("text", { x: left, y: height - 4 }, "0 ms"));
  svg.append(el("text", { x: right - 60, y: height - 4 }, `${end.toFixed(1)} ms`));
  svg.append(el("text", { x: width / 2 - 60, y: height - 4 }, "| sent   ○ due"));
  if (fault || (ending && ending !== "complete")) {
    svg.append(el("text", { class: "fault", x: right - 160, y: 24 }, `${fault ?? ""} ${ending && ending !== "complete" ? `(${ending})` : ""}`));
  }
  return svg;
}
