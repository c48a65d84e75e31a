// Small behaviours of the shell: the service worker, error toasts, session expiry.

const body = document.body;
const toast = document.getElementById("toast");

function showToast(content, { sticky = false } = {}) {
  if (!toast) return;
  toast.replaceChildren(content);
  toast.hidden = false;
  clearTimeout(showToast.timer);
  if (!sticky) showToast.timer = setTimeout(() => { toast.hidden = true; }, 6000);
}

function textNode(text) {
  const p = document.createElement("p");
  p.textContent = text;
  return p;
}

// A module's short message (the field kit's, the outbox's, the check-in's), one at a time:
// they `say` it (imported from here), the shell shows it.
export const say = (text) => document.dispatchEvent(new CustomEvent("say", { detail: text }));
document.addEventListener("say", (event) => showToast(textNode(event.detail)));

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register(body.dataset.swUrl, { scope: "/" })
    .catch((error) => console.warn("service worker not registered", error));
}

// htmx's event filters ("visibilitychange[…]") need eval, which the CSP forbids: pages that
// refresh when the phone shows them again listen for this event instead.
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") document.dispatchEvent(new Event("page-visible"));
});

// A form that sends itself once shown: opening a notification marks it read by POST (the
// GET that showed the page changed nothing). Without JavaScript it is a button.
for (const form of document.querySelectorAll("form[data-auto-submit]")) form.requestSubmit();

// Inline handlers would need 'unsafe-inline' in the CSP; these attributes do their work.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-submit-on-change]");
  if (field && field.form) field.form.requestSubmit();
});

// After log-out the previous user's pages must not be readable offline on this phone (the
// field kit goes too: see kit.js).
if (body.dataset.clearPages && "caches" in window) {
  caches.delete("pages");
}

// Shown from the cache: say how old this copy is; once the network is back, say so and offer
// the current page (the copy stays on screen until the person chooses to leave it).
const copy = document.getElementById("offline-copy");
if (copy && copy.dataset.copiedAt) {
  const made = new Date(copy.dataset.copiedAt);
  const time = made.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hour12: false });
  // Served from the copy means the server was out of reach, whatever navigator.onLine says;
  // only a change of connection afterwards changes the line.
  const show = (online) => {
    if (!online) {
      copy.textContent = copy.dataset.template.replace("{time}", time);
      return;
    }
    const reload = document.createElement("a");
    reload.href = location.href;
    reload.dataset.reload = "";
    reload.textContent = copy.dataset.reloadLabel;
    copy.replaceChildren(copy.dataset.onlineTemplate.replace("{time}", time), " ", reload);
  };
  show(false);
  copy.hidden = false;
  // Messages of the moment the copy was made ("saved") are not news now.
  document.querySelectorAll("#main > .flash").forEach((flash) => flash.remove());
  window.addEventListener("online", () => show(true));
  window.addEventListener("offline", () => show(false));
}

document.addEventListener("htmx:responseError", (event) => {
  const xhr = event.detail.xhr;
  if (xhr.status === 401) {
    const template = document.getElementById("session-expired");
    showToast(template.content.cloneNode(true), { sticky: true });
    return;
  }
  // Error fragments carry their message; show it instead of silently doing nothing.
  const holder = document.createElement("div");
  holder.innerHTML = xhr.responseText;
  const message = holder.querySelector(".error-box p:not(.error-code)");
  showToast(textNode(message ? message.textContent : `${xhr.status} ${xhr.statusText}`));
});

document.addEventListener("htmx:sendError", () => {
  showToast(textNode(body.dataset.offlineMessage));
});

// A confirm step for destructive buttons: <button data-confirm="…">.
document.addEventListener("submit", (event) => {
  const submitter = event.submitter;
  const message = submitter?.dataset.confirm || event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
}, true);

// "Try again" on the offline page: reload the address that failed, not the home page.
document.addEventListener("click", (event) => {
  const link = event.target.closest("[data-reload]");
  if (!link) return;
  event.preventDefault();
  window.location.reload();
});
