// Pretty JSON as DOM, each value marked with its RFC 6901 pointer (data-pointer), and the values a
// finding is about highlighted.

/** A <pre> showing `value`; `highlighted` is a set of pointers ("" is the whole document). */
export function jsonView(value, highlighted = new Set()) {
  const pre = document.createElement("pre");
  pre.className = "json";
  render(pre, value, "", 0, highlighted);
  return pre;
}

/** Text that may be JSON: pretty when it parses, as it is otherwise. */
export function textView(text, highlighted) {
  try { return jsonView(JSON.parse(text), highlighted); } catch {
    const pre = document.createElement("pre");
    pre.className = "json";
    pre.textContent = text;
    return pre;
  }
}

export function escapePointer(key) {
  return String(key).replaceAll("~", "~0").replaceAll("/", "~1");
}

function render(parent, value, pointer, depth, highlighted) {
  const span = document.createElement("span");
  span.dataset.pointer = pointer;
  if (highlighted.has(pointer)) span.className = "hl";
  parent.append(span);
  const pad = "  ".repeat(depth + 1), close = "  ".repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) { span.append("[]"); return; }
    span.append("[\n");
    value.forEach((item, i) => {
      span.append(pad);
      render(span, item, `${pointer}/${i}`, depth + 1, highlighted);
      span.append(i < value.length - 1 ? ",\n" : "\n");
    });
    span.append(close + "]");
  } else if (value !== null && typeof value === "object") {
    const keys = Object.keys(value);
    if (keys.length === 0) { span.append("{}"); return; }
    span.append("{\n");
    keys.forEach((key, i) => {
      span.append(pad);
      const k = document.createElement("span");
      k.className = "k";
      k.textContent = JSON.stringify(key);
      span.append(k, ": ");
      render(span, value[key], `${pointer}/${escapePointer(key)}`, depth + 1, highlighted);
      span.append(i < keys.length - 1 ? ",\n" : "\n");
    });
    span.append(close + "}");
  } else {
    span.classList.add(typeof value === "string" ? "s" : typeof value === "number" ? "n" : "b");
    span.textContent = JSON.stringify(value);
  }
}
