// Requests per second over the last minute, stacked by status class, drawn as SVG from the rows
// the feed brings (no extra request to the server).

const NS = "http://www.w3.org/2000/svg";
const seconds = 60;
/** Per second (Unix second): counts by class, 2xx, 4xx, 5xx or fault. */
const buckets = new Map();

export function countRow(row) {
  const second = Math.floor(row.at / 1000);
  const kind = row.status === null ? "fault" : `${String(row.status)[0]}xx`;
  const bucket = buckets.get(second) ?? {};
  bucket[kind] = (bucket[kind] ?? 0) + 1;
  buckets.set(second, bucket);
}

/** Redraws `svg` (viewBox 0 0 240 40) for the minute up to now. */
export function drawRate(svg) {
  const now = Math.floor(Date.now() / 1000);
  for (const second of buckets.keys()) if (second <= now - seconds) buckets.delete(second);
  const totals = [...buckets.values()].map((b) => Object.values(b).reduce((a, n) => a + n, 0));
  const peak = Math.max(1, ...totals);
  const width = 240 / seconds;
  svg.replaceChildren();
  for (let i = 0; i < seconds; i++) {
    const bucket = buckets.get(now - seconds + 1 + i);
    if (!bucket) continue;
    let y = 40;
    for (const kind of ["2xx", "4xx", "5xx", "fault"]) {
      const height = ((bucket[kind] ?? 0) / peak) * 38;
      if (height === 0) continue;
      y -= height;
      const bar = document.createElementNS(NS, "rect");
      for (const [key, value] of Object.entries({ x: i * width, y, width: width - 0.5, height, class: `bar k${kind}` })) bar.setAttribute(key, value);
      svg.append(bar);
    }
  }
  const last = buckets.get(now - 1);
  const rate = last ? Object.values(last).reduce((a, n) => a + n, 0) : 0;
  svg.setAttribute("aria-label", `requests per second over the last minute; last second ${rate}, peak ${peak}`);
  document.querySelector("#rate-label").textContent = `${rate} req/s (peak ${peak})`;
}
