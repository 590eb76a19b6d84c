// The server's endpoints, with the admin token when the page was opened with ?token=…
// (the admin API's rule beyond loopback). Nothing is fetched from anywhere else.

const token = new URLSearchParams(location.search).get("token");
const base = "/__understudy";

/** A URL that carries the token in its query (for EventSource and downloads, which send no headers). */
export function withToken(path) {
  if (!token) return base + path;
  return base + path + (path.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(token);
}

/** The admin token's header, when the page has one (for /metrics, outside /__understudy). */
export function authHeaders() {
  return token ? { "x-understudy-admin-token": token } : {};
}

/** fetch() under /__understudy with the token's header; the JSON answer, or an Error with the API's message. */
export async function call(path, options = {}) {
  const headers = Object.assign({}, options.headers || {}, authHeaders());
  const response = await fetch(base + path, Object.assign({}, options, { headers }));
  const text = await response.text();
  let body = null;
  try { body = JSON.parse(text); } catch { body = text; }
  if (!response.ok) {
    const message = body && body.error ? body.error.message : `${response.status} ${text}`;
    throw new Error(message);
  }
  return body;
}

/** The live feed: `onRow` for each exchange, `onOpen` when (re)connected or rows were dropped. */
export function follow({ onRow, onOpen, onState }) {
  const source = new EventSource(withToken("/feed"));
  source.addEventListener("open", () => { onState(true); onOpen(); });
  source.addEventListener("dropped", () => onOpen());
  source.addEventListener("exchange", (event) => onRow(JSON.parse(event.data)));
  source.onerror = () => onState(false);
  return source;
}
