// The field kit on the page: ask the service worker to keep this user's kit current, show
// whether the phone is ready to work offline ("已可离线使用 · HH:MM") and how much it stores,
// and — without a connection — keep every link and form from ending on the browser's error
// page: what the phone holds opens, what needs the network says so.

// The shell shows what it says in the toast at the foot of the page.
import { say } from "./app.js";

const body = document.body;
const status = document.getElementById("kit-status");
const strings = JSON.parse(document.getElementById("kit-strings")?.textContent || "{}");
const t = (key, values = {}) => (strings[key] || key).replace(/%\((\w+)\)s/g, (_, k) => values[k]);
const KIT_STATUS = "/offline/kit-status";
const WROTE = "kit-wrote";  // sessionStorage: a form was posted on the page before this one
const userId = body.dataset.userId || "";
let kitUrls = new Set();
let last = null;

const hhmm = (ms) => new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hour12: false });
const mb = (bytes) => (bytes / 1048576).toFixed(1);

// --- asking the worker -------------------------------------------------------------------

async function ask(message) {
  if (!("serviceWorker" in navigator) || !userId || !body.dataset.kit) return;
  const registration = await navigator.serviceWorker.ready;
  registration.active?.postMessage({ ...message, user: userId });
}

async function storedStatus() {
  if (!("caches" in self)) return null;
  try {
    const found = await caches.match(KIT_STATUS);
    return found ? await found.json() : null;
  } catch (error) {
    return null;
  }
}

// --- showing -----------------------------------------------------------------------------

function render(kit, progress) {
  if (kit && String(kit.user) !== userId) kit = null;
  last = kit || last;
  if (kit) kitUrls = new Set(kit.urls.map((url) => new URL(url, location.origin).href));
  markLinks();
  if (status) {
    status.hidden = false;
    status.classList.toggle("kit-ready", Boolean(kit?.complete));
    status.classList.toggle("kit-missing", Boolean(kit && !kit.complete));
    if (progress && !(kit?.complete)) status.textContent = t("updating", progress);
    else if (kit?.complete) status.textContent = t("ready", { time: hhmm(kit.ready_at || kit.checked_at) });
    else if (kit) status.textContent = t("incomplete", { n: kit.missing.length });
    else status.textContent = progress ? t("updating", progress) : t("unknown");
  }
  renderDetails(kit);
}

async function renderDetails(kit) {
  const holder = document.querySelector("[data-kit-details]");
  if (!holder) return;
  const size = holder.querySelector("[data-kit-size]");
  if (size && kit) size.textContent = t("size", { pages: kit.pages, mb: mb(kit.bytes) });
  const missing = holder.querySelector("[data-kit-missing]");
  if (missing) {
    const items = (kit?.missing || []).map((entry) => {
      const li = document.createElement("li");
      li.textContent = `${entry.url}${entry.status ? ` (${entry.status})` : ""}`;
      return li;
    });
    missing.replaceChildren(...items);
    missing.hidden = items.length === 0;
    holder.querySelector("[data-kit-missing-title]")?.toggleAttribute("hidden", items.length === 0);
  }
  const storage = holder.querySelector("[data-kit-storage]");
  if (storage && navigator.storage?.estimate) {
    const { usage = 0, quota = 0 } = await navigator.storage.estimate();
    const persisted = navigator.storage.persisted ? await navigator.storage.persisted() : false;
    storage.textContent = `${t("storage", { used: mb(usage), quota: mb(quota) })} · ${
      persisted ? t("persisted") : t("not_persisted")}`;
  }
}

// --- no dead ends offline ----------------------------------------------------------------

// Served from the phone's copy means the server was out of reach; otherwise trust what the
// browser knows (a failed request also says so, through the worker's fallback pages).
const offline = () => Boolean(document.getElementById("offline-copy")?.dataset.copiedAt)
  || navigator.onLine === false;

function kept(url) {
  const page = new URL(url.href);
  page.hash = "";  // /me#offline-kit is the page /me
  return kitUrls.has(page.href) || url.pathname.startsWith("/static/");
}

// Whether the phone holds a copy of `url` (asked of the caches when the kit is not known yet).
async function held(url) {
  if (kept(url)) return true;
  if (!("caches" in self)) return false;
  try {
    return Boolean(await caches.match(url.href, { ignoreVary: true }));
  } catch (error) {
    return false;
  }
}

function goOrSay(url, text) {
  held(url).then((yes) => (yes ? location.assign(url.href) : say(text)));
}

function ownLink(link) {
  if (!link || link.hasAttribute("download") || link.dataset.reload !== undefined) return null;
  const href = link.getAttribute("href");
  if (!href || href.startsWith("#") || href.startsWith("javascript:")) return null;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin) return null;
  if (url.pathname === location.pathname && url.search === location.search && url.hash) return null;
  return url;
}

// Outbox forms and forms that their page's script answers on the phone (data-works-offline,
// e.g. the entrance check) work without network.
const ON_PHONE = "[data-outbox],[data-works-offline]";

// Offline, links to pages the phone does not hold and the buttons only the server answers
// (of forms it alone takes, and 更新离线内容) are marked, so a gloved finger does not find out by tapping.
function markLinks() {
  const now = offline();
  for (const link of document.querySelectorAll("a[href],form[method=post] [type=submit],[data-kit-refresh]")) {
    const url = link.href === undefined ? null : ownLink(link);
    const away = Boolean(now && last && (link.href === undefined ? !link.form?.matches(ON_PHONE) : url && !kept(url)));
    link.classList.toggle("needs-network", away);
    if (away) link.dataset.offlineMark = t("offline_mark");
    // A page opened before is kept too (the recent pages' copies): it opens, so no mark.
    if (away && url) held(url).then((yes) => yes && link.classList.remove("needs-network"));
  }
}

// Capture phase: before htmx or a form's own handlers.
document.addEventListener("click", (event) => {
  if (!offline() || event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = event.target.closest("a[href]");
  const url = ownLink(link);
  if (!url || link.target === "_blank") return;
  // A whole page from the phone's copy (an htmx link would ask the server for a fragment).
  event.preventDefault();
  event.stopImmediatePropagation();
  goOrSay(url, t("needs_network"));
}, true);

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!offline() || form.matches(ON_PHONE)) return;
  const method = (event.submitter?.getAttribute("formmethod") || form.method || "get").toLowerCase();
  event.preventDefault();
  event.stopImmediatePropagation();
  if (method === "get") {
    const url = new URL(form.action || location.href, location.href);
    url.search = new URLSearchParams(new FormData(form, event.submitter)).toString();
    goOrSay(url, t("form_needs_network"));
    return;
  }
  say(t("form_needs_network"));
}, true);

// "Back" on the worker's fallback pages: the page before, else home.
document.addEventListener("click", (event) => {
  const back = event.target.closest("[data-back]");
  if (!back || history.length < 2) return;
  event.preventDefault();
  history.back();
});

// --- when to check -----------------------------------------------------------------------

if ("serviceWorker" in navigator && userId && body.dataset.kit) {
  navigator.serviceWorker.addEventListener("message", (event) => {
    const data = event.data || {};
    if (data.type === "kit-status") render(data.status);
    else if (data.type === "kit-progress") render(last, data);
  });
  storedStatus().then((kit) => render(kit));
  // Throttled by the worker; at once when the connection comes back, and after a change made
  // online (a form posted on the page before: a sign-up cancelled, a hazard assigned), which
  // may change pages of the kit: the phone's copies must not keep the state before it.
  if (!offline()) ask({ type: "kit-check", force: sessionStorage.getItem(WROTE) === "1" });
  sessionStorage.removeItem(WROTE);
  window.addEventListener("online", () => { markLinks(); ask({ type: "kit-check", force: true }); });
  window.addEventListener("offline", markLinks);
  // A record that reached the server changes pages of the kit: check its version now.
  self.addEventListener("outbox:synced", () => ask({ type: "kit-check", force: true }));
  document.addEventListener("submit", (event) => {
    const form = event.target;
    const method = (event.submitter?.getAttribute("formmethod") || form.method || "get").toLowerCase();
    if (method === "post" && !event.defaultPrevented) sessionStorage.setItem(WROTE, "1");
  });
  // A change htmx made in place (the page stays): check now.
  document.addEventListener("htmx:afterRequest", (event) => {
    const { successful, requestConfig } = event.detail;
    if (successful && requestConfig?.verb && requestConfig.verb !== "get") {
      ask({ type: "kit-check", force: true });
    }
  });
  document.addEventListener("click", (event) => {
    if (!event.target.closest("[data-kit-refresh]")) return;
    if (offline()) return say(t("form_needs_network"));
    if (status) status.textContent = t("checking");
    ask({ type: "kit-check", refetch: true });
  });
  // Ask once that the browser keeps the kit and the outbox when space runs low.
  if (!localStorage.getItem("storage-persist-asked")) {
    localStorage.setItem("storage-persist-asked", "1");
    navigator.storage?.persist?.().catch(() => {});
  }
}

// Logging out stops the copying at once, so nothing of this user lands after the log-in
// page has emptied the caches.
document.addEventListener("submit", (event) => {
  if (event.target.matches("form.logout") && !event.defaultPrevented) ask({ type: "kit-forget" });
});

// After log-out nothing of the previous user's stays readable on this phone.
if (body.dataset.clearPages) {
  navigator.serviceWorker?.ready.then((registration) => registration.active?.postMessage({ type: "kit-forget" }));
  if ("caches" in self) caches.delete("kit");
}
