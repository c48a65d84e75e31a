// Outbox-first capture on the page: forms with data-outbox="<kind>" are saved on the phone
// first, shown as pending at once, and sent by WHOutbox.flush() (outbox-core.js).
// Without JavaScript (or without IndexedDB) the same forms post to their routes as usual.

// The shell shows what it says in the toast at the foot of the page.
import { say } from "./app.js";

const Outbox = self.WHOutbox;
const body = document.body;
const userId = body.dataset.userId || "";
const strings = JSON.parse(document.getElementById("outbox-strings")?.textContent || "{}");
// The server's limit (UPLOAD_LIMITS in app/config.py, given by the page).
const limits = JSON.parse(document.getElementById("upload-limits")?.textContent || "{}");
const MAX_EDGE = limits.long_edge || 1600;
const supported = Boolean(
  Outbox && "indexedDB" in self && self.crypto?.randomUUID && self.crypto?.subtle
  && "createImageBitmap" in self
);
let seqCounter = 0;
let backoff = 0;
let retryTimer = null;
let nextTry = null;
let flushing = null;
let again = false;
let paused = false;
let lastResult = null;
// While records wait and the page is on screen, the server is asked again every few seconds,
// so they arrive within seconds of it answering again; a hidden page leaves it to Background
// Sync and to the page's return.
const PROBE_MS = [1000, 2000, 3000];
const HIDDEN_RETRY_MS = 60000;
// Records sent during this page's life: shown as synced, with their link, until reload.
const synced = new Map();

const t = (key, values = {}) => (strings[key] || key).replace(/%\((\w+)\)s/g, (_, k) => values[k]);

// --- capture -------------------------------------------------------------------------------

function setPath(target, name, value) {
  // "answers[0][note]" -> target.answers[0].note; plain names stay flat; repeats become lists.
  const parts = name.replace(/\]/g, "").split("[");
  let node = target;
  parts.forEach((part, index) => {
    const last = index === parts.length - 1;
    const nextIsIndex = !last && /^\d+$/.test(parts[index + 1]);
    if (last) {
      if (part in node) node[part] = [].concat(node[part], value);
      else node[part] = value;
    } else {
      node[part] = node[part] ?? (nextIsIndex ? [] : {});
      node = node[part];
    }
  });
}

// With the button pressed (`submitter`): a form whose buttons carry a value (say, "save as
// draft" and "send in") records which one, as the browser would post it. (Read from the
// button itself: it is disabled while the record is saved, and FormData skips it then.)
function formData(form, submitter) {
  const data = {};
  if (submitter?.name) setPath(data, submitter.name, submitter.value);
  for (const [name, value] of new FormData(form)) {
    if (name === "csrf_token" || value instanceof File) continue;
    setPath(data, name, value);
  }
  // Sparse lists (answers[3] without answers[0..2]) become dense.
  for (const [key, value] of Object.entries(data)) {
    if (Array.isArray(value)) data[key] = value.filter((v) => v !== undefined);
  }
  return data;
}

async function downsize(file) {
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  const scale = Math.min(1, MAX_EDGE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
  return blob.arrayBuffer();
}

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}

// The photos chosen in the form's file inputs, downsized: references for the record, bytes
// for the photos store.
async function readPhotos(form, recordId) {
  const refs = [];
  const photos = [];
  for (const input of form.querySelectorAll("input[type=file]")) {
    for (const file of input.files) {
      let bytes;
      try {
        bytes = await downsize(file);
      } catch (error) {
        throw new Error(t("not_image", { name: file.name }));
      }
      const id = crypto.randomUUID();
      const sha256 = hex(await crypto.subtle.digest("SHA-256", bytes));
      refs.push({ id, sha256, size: bytes.byteLength, item_id: input.dataset.itemId || null });
      photos.push({ id, record: recordId, bytes, type: "image/jpeg" });
    }
  }
  return { refs, photos };
}

// What each field is called on the form, so a refusal can name it as the worker saw it.
function fieldLabels(form) {
  const labels = {};
  for (const field of form.elements) {
    if (!field.name || field.type === "hidden" || field.name in labels) continue;
    // A group of choices (radios, a list of boxes) is named by its legend, not its first option.
    const group = field.type === "radio"
      || (field.type === "checkbox" && form.querySelectorAll(`[name="${CSS.escape(field.name)}"]`).length > 1);
    const legend = field.closest("fieldset")?.querySelector("legend");
    const label = (group && legend) || field.labels?.[0] || legend;
    const text = label?.textContent.replace(/\s+/g, " ").trim();
    if (text) labels[field.name] = text;
  }
  return labels;
}

function labelOf(form, data) {
  const field = form.dataset.outboxLabel;
  return String((field && data[field]) || "").trim().slice(0, 80);
}

async function capture(form, submitter) {
  const id = crypto.randomUUID();
  const { refs, photos } = await readPhotos(form, id);
  const data = formData(form, submitter);
  return captureData({
    id,
    kind: form.dataset.outbox,
    name: form.dataset.outboxName,
    label: labelOf(form, data),
    said: submitter?.dataset.outboxSent,  // what "sent" means for this button (a draft: saved)
    labels: fieldLabels(form),
    data,
    photos: refs,
  }, photos);
}

// A record, kept: read from a form (capture), or made by the page's own script (a hazard
// raised from a round's "no", a read receipt). `labels` name its fields as the page showed
// them. `form_url` is where it is corrected if the server refuses it: by default this page,
// whose form works offline; a record this page has no form for names another.
async function captureData({
  id = crypto.randomUUID(), kind, name, label = "", said, labels, data, photos = [],
  form_url = location.pathname + location.search,
}, bytes = []) {
  const record = {
    id,
    owner: userId,
    kind,
    name: name || kind,
    label: String(label).slice(0, 80),
    said,
    labels,
    form_url,
    captured_at: new Date().toISOString(),
    data,
    photos,
    state: "pending",
    errors: null,
    seq: Date.now() * 1000 + (seqCounter++ % 1000),
  };
  await Outbox.add(record, bytes);
  return record;
}

// Runs a form's outbox work with its button held down; a failure is said in a toast.
async function holdingButton(event, work) {
  const button = event.submitter;
  if (button) button.disabled = true;
  try {
    await work();
  } catch (error) {
    say(error.message || String(error));
  } finally {
    if (button) button.disabled = false;
  }
}

// A form correcting a refused record is taken first, by outbox-edit.js.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!supported || !userId || !form.matches("form[data-outbox]") || event.defaultPrevented) return;
  event.preventDefault();
  // What the phone can check (a required field, a choice) it says at once, not after the sync.
  if (!form.reportValidity()) return;
  holdingButton(event, async () => {
    const online = navigator.onLine;
    const record = await capture(form, event.submitter);
    const more = [];
    // A form may bring records of its own along (the round's hazards): after it, in order.
    form.dispatchEvent(new CustomEvent("outbox:captured", { detail: { record, more } }));
    for (const follow of more) await follow();
    form.reset();
    askPersistence();
    registerBackgroundSync();
    await tellWhereItIs(form, record, flush(), online);
  });
});

// "Saved on this phone" only when the record really waits: a record that reaches the server
// at once says so instead (and the form hears it: `outbox:sent`, its record as the detail).
// `online`: whether the phone had a network when the form was sent.
async function tellWhereItIs(form, record, flushed, online) {
  const settled = await Promise.race([
    flushed.then(() => true, () => true),
    new Promise((resolve) => setTimeout(() => resolve(false), 2500)),
  ]);
  const still = await Outbox.get(record.id).catch(() => null);
  if (!still) {
    say(record.said || t("sent"));
    form.dispatchEvent(new CustomEvent("outbox:sent", { detail: record }));
  }
  // Sent online and refused at once, the person still at the form: it comes back with the
  // errors at its fields, as a form posted to the server would (outbox-edit.js), and is not
  // kept. Only a record refused after it was kept waits in the outbox to be corrected.
  else if (settled && still.state === "invalid" && online) (await editing()).refusedHere(form, still);
  else if (settled && still.state === "invalid") say(t("refused"));
  else say(t("saved"));
}

// --- flushing ------------------------------------------------------------------------------

async function flush() {
  if (!supported || !userId) return;
  if (flushing) { again = true; return flushing; }
  flushing = (async () => {
    let result;
    do {
      again = false;
      try {
        result = await Outbox.flush();
      } catch (error) {
        result = { state: "offline" };
      }
      clearTimeout(retryTimer);
      nextTry = null;
      lastResult = result;
      paused = result.state === "paused";
      if (result.state === "offline" || (result.state === "done" && result.retry)) {
        const delay = document.visibilityState === "hidden"
          ? HIDDEN_RETRY_MS : PROBE_MS[Math.min(backoff, PROBE_MS.length - 1)];
        backoff += 1;
        nextTry = Date.now() + delay;
        retryTimer = setTimeout(flush, delay);
      } else {
        backoff = 0;
      }
      await render();
      // A trigger that came in meanwhile, rendering included (say, `online` during a flush
      // that failed), may find the way open now: run once more rather than wait for the
      // backoff timer. Checked after the last await, so no trigger falls between the cracks.
    } while (again);
    return result;
  })();
  try { return await flushing; } finally { flushing = null; }
}

function registerBackgroundSync() {
  navigator.serviceWorker?.ready
    .then((registration) => registration.sync?.register("outbox"))
    .catch(() => {});  // no Background Sync here: the page's own triggers cover it
}

function askPersistence() {
  navigator.storage?.persist?.().catch(() => {});
}

// --- showing -------------------------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

// The server's errors, each under the name its field has on the form (records kept before
// labels were stored show the field's key).
function errorList(errors, labels = {}) {
  const items = Object.entries(errors || {}).flatMap(([field, messages]) =>
    [].concat(messages).map((m) => el("li", {},
      field && field !== "record" ? t("field_error", { label: labels?.[field] || field, message: m }) : m)));
  return items.length ? el("ul", { class: "errors" }, ...items) : null;
}

function row(record, { actions }) {
  const state = record.state || "pending";
  if (state === "synced") {
    return el("li", { "data-record-id": record.id, "data-state": state },
      el("a", { class: "row", href: record.url },
        el("span", { class: "row-title" }, record.label || record.name, " ",
          el("span", { class: "tag outbox-state outbox-synced" }, t("state_synced")))));
  }
  const li = el("li", { "data-record-id": record.id, "data-state": state },
    el("div", { class: "row-title" }, record.label || record.name, " ",
      el("span", { class: `tag outbox-state outbox-${state}` }, t(`state_${state}`))),
    el("div", { class: "row-meta" }, record.name, " · ",
      new Date(record.captured_at).toLocaleString("sv").slice(0, 16), record.photos.length
        ? ` · ${t("photos", { n: record.photos.length })}` : ""),
    waiting(record),
    errorList(record.errors, record.labels));
  if (actions) {
    li.append(el("div", { class: "actions" },
      state === "invalid" && record.form_url
        ? el("a", { class: "button button-small", href: `${record.form_url}#outbox-edit=${record.id}` },
          t("edit")) : null,
      el("button", { type: "button", class: "button button-small", "data-outbox-retry": record.id }, t("retry")),
      el("button", { type: "button", class: "button button-small button-danger", "data-outbox-discard": record.id }, t("discard"))));
  }
  return li;
}

const clock = (when) => new Date(when).toLocaleTimeString([], { hour12: false });

// Why a record waits, when it was last tried and when it is tried next.
function waiting(record) {
  if (!record.reason && !record.last_try) return null;
  const parts = [];
  if (record.reason) parts.push(t(`reason_${record.reason}`));
  if (record.last_try) parts.push(t("last_try", { time: clock(record.last_try) }));
  if (record.reason !== "fix" && record.reason !== "login") {
    parts.push(nextTry ? t("next_try", { time: clock(nextTry) }) : t("next_try_connection"));
  }
  return el("div", { class: "row-meta outbox-why", "data-outbox-why": record.reason || "" }, parts.join(" · "));
}

// `data-outbox-match="hazard_id=5"`: only the records about this page's own subject.
function matches(holder, record) {
  const rule = holder.dataset.outboxMatch;
  if (!rule) return true;
  const [key, value] = rule.split("=");
  return String(record.data?.[key] ?? "") === value;
}

async function render() {
  if (!supported) return;
  let records = [];
  try { records = await Outbox.list(); } catch (error) { return; }
  const mine = records.filter((r) => r.owner === userId);
  if (mine.length) keepOutboxPageOffline();
  for (const badge of document.querySelectorAll("[data-outbox-count]")) {
    badge.hidden = mine.length === 0;
    const count = badge.querySelector(".badge") || badge;
    count.textContent = String(mine.length);
  }
  for (const holder of document.querySelectorAll("[data-outbox-pending]")) {
    const kind = holder.dataset.outboxPending;
    const done = [...synced.values()].filter((r) => r.owner === userId);
    const shown = [...mine, ...done].filter((r) => (kind === "*" || r.kind === kind) && matches(holder, r));
    const rows = shown.map((r) => row(r, { actions: holder.hasAttribute("data-outbox-actions") }));
    // Rows that have not changed stay the same elements: a tap on a link is not lost to a redraw.
    if (holder.innerHTML !== rows.map((r) => r.outerHTML).join("")) holder.replaceChildren(...rows);
    holder.hidden = shown.length === 0;
  }
  for (const empty of document.querySelectorAll("[data-outbox-empty]")) empty.hidden = mine.length > 0;
  for (const banner of document.querySelectorAll("[data-outbox-login]")) {
    banner.hidden = !(paused && mine.length);
    const text = banner.querySelector("[data-outbox-login-text]");
    if (text) text.textContent = t("login_to_sync", { n: mine.length });
  }
  const others = records.length - mine.length;
  for (const note of document.querySelectorAll("[data-outbox-others]")) {
    note.hidden = others === 0;
    note.textContent = t("others", { n: others });
  }
  renderStorage();
}

async function renderStorage() {
  const holder = document.querySelector("[data-outbox-storage]");
  if (!holder || !navigator.storage?.estimate) return;
  const { usage = 0, quota = 0 } = await navigator.storage.estimate();
  const persisted = navigator.storage.persisted ? await navigator.storage.persisted() : false;
  const mb = (n) => (n / 1048576).toFixed(1);
  holder.textContent = t("storage", { used: mb(usage), quota: mb(quota) })
    + (persisted ? ` · ${t("persisted")}` : "");
}

document.addEventListener("click", async (event) => {
  const retry = event.target.closest("[data-outbox-retry]");
  const discard = event.target.closest("[data-outbox-discard]");
  const syncNow = event.target.closest("[data-outbox-sync]");
  if (retry) {
    await Outbox.update(retry.dataset.outboxRetry, { state: "pending", errors: null });
    syncNowPressed(retry);  // says what came of it, as "sync now" does
  } else if (discard) {
    if (!window.confirm(t("confirm_discard"))) return;
    await Outbox.remove(discard.dataset.outboxDiscard);
  } else if (syncNow) {
    syncNowPressed(syncNow);
  }
});

// "Sync now" always answers: busy while it works, then what happened, in words.
async function syncNowPressed(button) {
  const line = document.querySelector("[data-outbox-sync-result]");
  const label = button.textContent;
  button.disabled = true;
  button.textContent = t("syncing");
  backoff = 0;
  let result;
  try {
    result = await flush();
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
  const left = (await Outbox.list().catch(() => [])).filter((r) => r.owner === userId);
  let text;
  if (!result) text = t("sync_unsupported");
  else if (result.state === "paused") text = t("login_to_sync", { n: left.length });
  else if (result.state === "offline") {
    text = t(`sync_${result.reason === "offline" ? "offline" : "unreachable"}`,
      { time: nextTry ? clock(nextTry) : "" });
  } else if (left.some((r) => r.state === "error")) text = t("sync_server", { time: nextTry ? clock(nextTry) : "" });
  else if (left.length) text = t("sync_fix", { n: left.length });
  else text = t("sync_done");
  if (line) {
    line.textContent = text;
    line.hidden = false;
  }
  say(text);
}

// The outbox page must open without a network. The copies made at log-in (app.js) include it,
// but they are made on page loads while online: a person who went offline before they were
// done has records waiting and no copy until the next page load. So once there is something
// in the outbox, make sure of this one page (an empty outbox costs no request).
let outboxPageKept = false;
function keepOutboxPageOffline() {
  const url = outboxUrl();
  if (outboxPageKept || !url || !("caches" in self)) return;
  outboxPageKept = true;
  caches.open("pages")
    .then(async (cache) => {
      if (await caches.match(url, { ignoreVary: true })) return;  // the kit's or a copy
      const response = await fetch(url, { headers: { "X-Offline-Copy": "1" } });  // leaves flashes be
      if (response.ok && !response.redirected) await cache.put(url, response);
    })
    .catch(() => { outboxPageKept = false; });  // offline now: try again on a later render
}

function outboxUrl() {
  return document.querySelector("a[data-outbox-count]")?.getAttribute("href");
}

// --- triggers ------------------------------------------------------------------------------

if (supported) {
  const heard = (detail) => {
    if (detail?.type === "synced") {
      synced.set(detail.record.id, { ...detail.record, state: "synced", url: detail.url });
      self.dispatchEvent(new CustomEvent("outbox:synced", { detail }));
      refreshAfterSync(detail.record);
    }
    render();
  };
  // The channel reaches this page too (another instance of it posts), and the other tabs.
  if ("BroadcastChannel" in self) {
    new BroadcastChannel(Outbox.channelName).onmessage = (event) => heard(event.data);
  } else {
    self.addEventListener("outbox:changed", (event) => heard(event.detail));
  }
  // A new chance: start probing from the shortest interval again.
  const fresh = () => { backoff = 0; flush(); };
  self.addEventListener("online", fresh);
  self.addEventListener("pageshow", (event) => { if (event.persisted) fresh(); });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") fresh();
  });
  // Between tries, the outbox's "next try" times count on the page's own timer.
  setInterval(() => { if (nextTry && document.querySelector("[data-outbox-why]")) render(); }, 5000);
  navigator.serviceWorker?.addEventListener("message", (event) => {
    if (event.data?.type === "outbox-changed") render();
  });
  if (document.querySelector("[data-outbox-page]")) askPersistence();
  render();
  flush();
  receiptFromCopy().then((added) => added && flush()).catch(() => {});
}

// A page that keeps read receipts (a notice) marks itself with
// `<template data-offline-receipt="<kind>" data-receipt='{…}'>`. Opened online, its own GET
// recorded the reading; opened from the phone's copy, the receipt goes through the outbox,
// once per person and device, with the time it was read.
async function receiptFromCopy() {
  const marker = document.querySelector("template[data-offline-receipt]");
  if (!marker || !document.getElementById("offline-copy")?.dataset.copiedAt) return false;
  const kind = marker.dataset.offlineReceipt;
  const key = `receipt:${userId}:${kind}:${marker.dataset.receipt}`;
  if (localStorage.getItem(key)) return false;
  await captureData({
    kind,
    name: marker.dataset.receiptName,
    label: marker.dataset.receiptLabel,
    data: JSON.parse(marker.dataset.receipt),
  });
  localStorage.setItem(key, "1");
  registerBackgroundSync();
  return true;
}

// Pages stay true: a record captured on this page that reached the server changes what the
// page shows (a follow-up moves the hazard on), so the page's parts marked
// `data-refresh-on-sync` are fetched again — the used form closes, the timeline grows.
let refreshing = null;
async function refreshAfterSync(record) {
  if (record.owner !== userId || !record.form_url) return;
  if (record.form_url !== location.pathname + location.search) return;
  const parts = [...document.querySelectorAll("[data-refresh-on-sync]")];
  if (!parts.length || refreshing) return;
  refreshing = (async () => {
    try {
      const response = await fetch(location.href, {
        credentials: "same-origin", cache: "no-store", headers: { "X-Offline-Copy": "1" },
      });
      if (!response.ok || response.redirected) return;
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
      for (const part of parts) {
        const next = fresh.getElementById(part.id);
        if (!next) continue;
        // The outbox's own lists stay as they are (render() keeps them true): the synced
        // record's link does not vanish and come back under the finger that taps it.
        for (const holder of part.querySelectorAll("[data-outbox-pending]")) {
          const twin = [...next.querySelectorAll("[data-outbox-pending]")].find((n) =>
            n.dataset.outboxPending === holder.dataset.outboxPending
            && n.dataset.outboxMatch === holder.dataset.outboxMatch);
          twin?.replaceWith(holder);
        }
        part.replaceWith(next);
        self.htmx?.process(next);
        next.dispatchEvent(new CustomEvent("htmx:load", { bubbles: true }));
      }
      await render();
    } catch (error) {
      // Offline again: the page shows the record as synced; a reload later shows the rest.
    } finally {
      refreshing = null;
    }
  })();
}

// What outbox-edit.js (correcting a refused record) builds on.
self.WHOutboxPage = {
  supported, userId, t, el, errorList, holdingButton, outboxUrl,
  formData, readPhotos, fieldLabels, labelOf, registerBackgroundSync, captureData,
};

// Correcting a refused record is loaded only where it is needed: on the page a record is being
// corrected on (#outbox-edit=<id>), and on the outbox page while its "correction saved" note
// waits. Other pages, and the first load of a form, do without its few kilobytes. The service
// worker keeps it for offline use with the other static files.
const EDITING = /^#outbox-edit=/;
// With this module's ?v=: the version the service worker keeps and browsers keep a year.
const editing = () => import(`./outbox-edit.js${new URL(import.meta.url).search}`);
if (supported && userId) {
  if (EDITING.test(location.hash) || sessionStorage.getItem("outbox-toast")) editing();
  // Parts a record on this phone makes untrue (outbox-done.js): only pages that have them.
  if (document.querySelector("[data-outbox-hide-when],[data-outbox-show-when]")) {
    import(`./outbox-done.js${new URL(import.meta.url).search}`);
  }
  // An edit link to this same page changes only the fragment: start over from the page.
  self.addEventListener("hashchange", () => {
    if (EDITING.test(location.hash)) location.reload();
  });
}
