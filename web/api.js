// The pages' one way to call the platform: the gateway's HTTP door, in the
// Connect protocol's unary JSON form (README, "Over HTTP with JSON").

export class ApiError extends Error {
  constructor(code, message, violations) {
    super(message);
    this.code = code; // Connect's code: "invalid_argument", "unauthenticated", ...
    this.violations = violations; // [{field, description}]
  }
}

// method: "gongkai.registry.v1.RegistryService/VerifyCertificate".
// get: a read sent as a GET (methods marked NO_SIDE_EFFECTS), cacheable
// when no token is sent.
export async function call(method, request = {}, { token = "", get = false } = {}) {
  const headers = { "connect-protocol-version": "1" };
  if (token) headers.authorization = `Bearer ${token}`;
  let response;
  if (get) {
    const query = new URLSearchParams({ connect: "v1", encoding: "json", message: JSON.stringify(request) });
    response = await fetch(`/${method}?${query}`, { headers });
  } else {
    headers["content-type"] = "application/json";
    response = await fetch(`/${method}`, { method: "POST", headers, body: JSON.stringify(request) });
  }
  const text = await response.text();
  let body = {};
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = {};
  }
  if (!response.ok) {
    const violations = (body.details || []).flatMap((d) => (d.debug && d.debug.fieldViolations) || []);
    throw new ApiError(body.code || "unknown", body.message || response.statusText, violations);
  }
  return body;
}

const CODE_TEXT = {
  unauthenticated: "未登录或令牌无效",
  permission_denied: "无权进行此操作",
  invalid_argument: "填写有误",
  not_found: "未找到",
  resource_exhausted: "查询过于频繁，请稍后再试",
  unavailable: "服务暂不可用，请稍后再试",
  deadline_exceeded: "请求超时",
  failed_precondition: "当前状态下不能进行此操作",
};

// What to tell a person about a failed call: the code in words, the
// server's message, and each field violation.
export function explain(error) {
  if (!(error instanceof ApiError)) return `请求失败：${error.message}`;
  const lines = [`${CODE_TEXT[error.code] || error.code}：${error.message}`];
  for (const v of error.violations) lines.push(`${v.field}：${v.description}`);
  return lines.join("\n");
}

// el("td", {class: "x"}, "text", child): a DOM element. Text is always set
// as text, never as HTML.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function show(container, ...children) {
  container.replaceChildren(...children.flat().filter((c) => c !== undefined && c !== null && c !== false));
}

// The values of a form, by input name.
export function formValues(form) {
  return Object.fromEntries(new FormData(form).entries());
}
