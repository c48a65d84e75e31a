// The check at the site entrance, decided on the phone from the checker's field kit (the
// page carries its departments' workers, the status of what their posts require and the
// hashes of the workers' codes), so it works without network. A code is scanned with the
// camera (qr-reader.js) or the employee number typed; each check of a known worker goes
// into the outbox (kind gate_check) and is sent when there is a connection. An unknown or
// malformed code is said plainly and records nothing. Online, each check first asks the
// server for the data as it stands (a qualification revoked since the page opened counts at
// once); offline, or when the server is slow to answer, it decides on the page's copy.
// Without JavaScript the form posts and the server decides.
import { scanInto } from "./qr-reader.js";

let data = JSON.parse(document.getElementById("gate-data")?.textContent || "{}");
const FRESH_WITHIN_MS = 2500;
const strings = JSON.parse(document.getElementById("gate-strings")?.textContent || "{}");
const form = document.querySelector("[data-gate-form]");
const result = document.getElementById("gate-result");
const section = document.querySelector("[data-scanner]");
const CODE = /^WHGATE1:[A-Za-z0-9_-]{16,64}$/;
const POST_KEY = "gate-check-post";

const t = (key, values = {}) => (strings[key] || key).replace(/%\((\w+)\)s/g, (_, k) => values[k] ?? "");

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

// The phone's local day, `days` from today, as YYYY-MM-DD.
function today(days = 0) {
  const now = new Date();
  now.setDate(now.getDate() + days);
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

// The data as the server has it now, when it answers in time (true); else the copy stands.
let checking = 0;  // the latest check: one overtaken while it waited (a double tap) is dropped
async function refresh() {
  if (!navigator.onLine || !form?.dataset.gateData) return false;
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), FRESH_WITHIN_MS);
  try {
    const response = await fetch(form.dataset.gateData, { cache: "no-store", signal: stop.signal });
    if (response.ok && (response.headers.get("Content-Type") || "").includes("json")) {
      data = await response.json();
      return true;
    }
  } catch (error) {
    // Offline after all, or slow: decide on the page's copy.
  } finally {
    clearTimeout(timer);
  }
  return false;
}

// When the copy decided was made, on the phone's clock: MM-DD HH:MM.
function madeAt(iso) {
  const made = new Date(iso || "");
  if (Number.isNaN(made.getTime())) return "";
  const pad = (n) => String(n).padStart(2, "0");
  return `${pad(made.getMonth() + 1)}-${pad(made.getDate())} ${pad(made.getHours())}:${pad(made.getMinutes())}`;
}

function chosenPost() {
  const id = Number(form?.querySelector("select[name=post_id]")?.value);
  return (data.posts || []).find((p) => p.id === id);
}

// Why there is no post to check for: none chosen, or the chosen one was removed or closed
// since the page's list was made (the data as it stands no longer has it).
function noPost() {
  return say(t(form?.querySelector("select[name=post_id]")?.value ? "post_gone" : "no_post"));
}

// The same rule as the server's standing.verdict: every required type held, not revoked,
// not expired today; and, as Verdict.expiring, the first to run out within expiry_days.
// `ending`: as Verdict.expiring_ones, which of them run out within expiry_days, and when.
function verdict(worker, post) {
  const problems = [];
  const day = today();
  const runsOut = [];
  for (const typeId of post.types) {
    const type = data.types[String(typeId)] || "";
    const held = worker.q[String(typeId)];
    if (!held) problems.push(t("missing", { type }));
    else if (held.revoked !== null && held.revoked !== undefined) problems.push(t("revoked", { type, reason: held.revoked }));
    else if (held.until && held.until < day) problems.push(t("expired", { type, date: held.until }));
    else if (held.until) runsOut.push({ type, until: held.until });
  }
  const allowed = problems.length === 0;
  const horizon = today(data.expiry_days || 0);
  const ending = allowed ? runsOut.filter((r) => r.until <= horizon) : [];
  ending.sort((a, b) => (a.until === b.until ? (a.type < b.type ? -1 : 1) : a.until < b.until ? -1 : 1));
  const expiring = ending.length ? ending[0].until : null;
  return { allowed, problems, expiring, ending };
}

function show(children, tone) {
  result.hidden = false;
  result.className = `card gate-result ${tone || ""}`;
  result.replaceChildren(...children);
  // After a scan further down the page, bring the verdict back into view.
  result.scrollIntoView({ block: "nearest" });
}

function say(message) {
  show([el("p", { class: "gate-message", "data-gate-message": "" }, message)], "gate-plain");
}

// `fresh`: decided on the data as the server has it now; else the check says it was decided
// on the phone's copy, and how old that is.
async function record(worker, post, outcome, method, fresh, extra = []) {
  const reasons = [...extra, ...outcome.problems];
  const allowed = outcome.allowed && extra.length === 0;
  const expiry = allowed && outcome.expiring
    ? [" · ", el("span", { class: "gate-expiry" }, t("expires", { date: outcome.expiring }))]
    : [];
  const children = [
    el("p", { class: `gate-verdict ${allowed ? "gate-ok" : "gate-no"}` }, t(allowed ? "allowed" : "refused"), ...expiry),
  ];
  if (worker.photo) children.push(el("img", { class: "gate-photo", src: worker.photo, alt: worker.name }));
  children.push(el("p", { class: "profile-name" }, `${worker.name} `, el("span", { class: "muted" }, worker.no)));
  children.push(el("p", { class: "muted" }, `${post.department} · ${post.name}`));
  for (const reason of reasons) children.push(el("p", { class: "gate-reason" }, reason));
  if (allowed) {
    for (const end of outcome.ending) {
      children.push(el("p", { class: "gate-expiry-note" }, t("expiring", { type: end.type, date: end.until })));
    }
  }
  if (!worker.posts.includes(post.id)) children.push(el("p", { class: "hint" }, t("not_holder")));
  if (!fresh) {
    const when = madeAt(data.as_of);  // a copy kept before copies said their age has none
    children.push(el("p", { class: "hint", "data-gate-copy": "" }, when ? t("copy", { when }) : t("copy_undated")));
  }
  show(children, allowed ? "gate-ok" : "gate-no");
  const page = self.WHOutboxPage;
  if (!page?.supported) return;
  const made = await page.captureData({
    kind: "gate_check",
    name: t("name"),
    label: `${worker.name} · ${t(allowed ? "allowed" : "refused")}`,
    data: {
      worker_id: worker.id,
      post_id: post.id,
      result: allowed ? "allowed" : "refused",
      reason: reasons.join(t("separator")),
      method,
    },
  });
  const note = el("p", { class: "hint" }, t("recorded"));
  result.append(note);
  // Online the check reaches the server at once: then it says so, not "when there is a
  // connection".
  await self.WHOutbox?.flush().catch(() => {});  // offline: it waits in the outbox
  if (self.WHOutbox && !(await self.WHOutbox.get(made.id))) note.textContent = t("sent");
}

async function sha256(text) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function checkCode(text) {
  if (!chosenPost()) return noPost();
  const code = String(text || "").trim();
  if (!CODE.test(code)) return say(t("malformed"));
  const mine = ++checking;
  const fresh = await refresh();
  if (mine !== checking) return;
  const post = chosenPost();
  if (!post) return noPost();
  const known = data.codes[await sha256(code)];
  const worker = known && data.workers.find((w) => w.id === known.w);
  if (!worker) return say(t("unknown_code"));
  const extra = [];
  if (known.revoked !== null && known.revoked !== undefined) {
    extra.push(known.revoked === "reissued" ? t("code_reissued") : t("code_revoked", { reason: known.revoked }));
  }
  return record(worker, post, verdict(worker, post), "code", fresh, extra);
}

// Whether a worker was found (and the check recorded): only then is the number cleared.
async function checkNumber(number) {
  if (!chosenPost()) return noPost(), false;
  // Read as the server's typed_no reads it: full width folded, spaces gone, upper case.
  const wanted = String(number || "").normalize("NFKC").trim().toUpperCase();
  if (!wanted) return say(t("enter_no")), false;
  const mine = ++checking;
  const fresh = await refresh();
  if (mine !== checking) return false;
  const post = chosenPost();
  if (!post) return noPost(), false;
  const worker = data.workers.find((w) => w.no === wanted);
  if (!worker) return say(t("unknown_no")), false;
  record(worker, post, verdict(worker, post), "employee_no", fresh);
  return true;
}

if (form) {
  const select = form.querySelector("select[name=post_id]");
  const kept = localStorage.getItem(POST_KEY);
  if (select && kept && [...select.options].some((o) => o.value === kept)) select.value = kept;
  select?.addEventListener("change", () => localStorage.setItem(POST_KEY, select.value));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = form.querySelector("input[name=employee_no]");
    const typed = input.value;
    // Cleared once checked, unless the next number was typed meanwhile.
    if ((await checkNumber(typed)) && input.value === typed) input.value = "";
  });
}

async function start(button) {
  const video = section.querySelector("[data-scanner-video]");
  button.hidden = true;
  // One code, one check: the camera stops after a read; the button scans the next worker.
  const ok = await scanInto(video, section.dataset.jsqrUrl, (code) => {
    checkCode(code);
    video.hidden = true;
    button.hidden = false;
    return "stop";
  });
  if (!ok) {
    button.hidden = false;
    section.querySelector("[data-scanner-error]").hidden = false;
  }
}

if (section && form && navigator.mediaDevices?.getUserMedia) {
  section.hidden = false;
  section.querySelector("[data-scanner-start]").addEventListener("click", (event) => start(event.currentTarget));
}
