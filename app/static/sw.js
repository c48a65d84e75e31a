/* 职工之家 service worker: the app shell offline, pages network-first with a copy, and the
 * field kit — every page and image of this user's day, fetched at log-in and kept current.
 * Served by the `pwa` blueprint at /sw.js, which fills in the version and precache list. */
"use strict";

const VERSION = "__VERSION__";
const SHELL_CACHE = `shell-${VERSION}`;
// Copies of pages the person opened (a few dozen, the newest kept).
const PAGES_CACHE = "pages";
const PAGES_KEPT = 50;
// The field kit: exactly what /offline/manifest lists for this user, and its status.
const KIT_CACHE = "kit";
const KIT_MANIFEST = "/offline/manifest";
const KIT_STATUS = "/offline/kit-status";  // a record of this worker's, never fetched
const KIT_CHECK_EVERY = 5 * 60 * 1000;
const KIT_PARALLEL = 4;
const PAGE_TIMEOUT = 6000;
const PRECACHE = "__PRECACHE__";
const OFFLINE_URL = "/offline";
const NEEDS_NETWORK_URL = "/offline/needs-network";
// Sent with the pages this worker copies on its own, so the server leaves flash messages to
// the page they were meant for (see partials/_flashes.html).
const COPY_HEADERS = { "X-Offline-Copy": "1" };

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE)
      // A versioned file (`?v=`) is immutable: take it from the HTTP cache, where the page
      // that registered this worker has just put it, instead of downloading it again. The
      // offline page is a page: fetched fresh, and as a copy it must not take (and keep) a
      // flash message.
      .then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url,
        new URL(url, self.location.origin).searchParams.has("v")
          ? { cache: "default" }
          : { cache: "reload", headers: COPY_HEADERS }))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  // Drop old shells only; the pages, the kit and IndexedDB (the outbox) survive an update.
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((key) => key.startsWith("shell-") && key !== SHELL_CACHE)
          .map((key) => caches.delete(key))))
      .then(() => Promise.all([self.clients.claim(), cacheOpenPages()]))
  );
});

// The page on screen at the first visit loaded before this worker existed, so the fetch
// handler never saw it: keep a copy now, or it would not open offline.
async function cacheOpenPages() {
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const cache = await caches.open(PAGES_CACHE);
  await Promise.all(windows.map(async (client) => {
    if (new URL(client.url).origin !== self.location.origin) return;
    try {
      const response = await fetch(client.url, { credentials: "same-origin", headers: COPY_HEADERS });
      if (response.ok && !response.redirected && keepable(response)) {
        await cache.put(client.url, response);
      }
    } catch (error) {
      // Offline already: nothing to keep.
    }
  }));
}

// A fetch that gives up after `ms` (a navigation request cannot take an abort signal).
function fetchWithin(request, ms, init) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    fetch(request, init).then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

// A page that asks to be kept nowhere (`no-store`: an anonymous appeal, its receipt code) is
// not copied for offline reading, and a copy kept before it asked goes.
function keepable(response) {
  return !/no-store/i.test(response.headers.get("Cache-Control") || "");
}

async function forgetPage(request) {
  for (const name of [KIT_CACHE, PAGES_CACHE]) {
    await (await caches.open(name)).delete(request, { ignoreVary: true });
  }
}

async function keepPage(request, response) {
  // A page of the kit gets its copy refreshed; any other joins the few recent ones.
  const kit = await caches.open(KIT_CACHE);
  if (await kit.match(request, { ignoreVary: true })) {
    await kit.put(request, response);
    return;
  }
  const pages = await caches.open(PAGES_CACHE);
  await pages.delete(request, { ignoreVary: true });
  await pages.put(request, response);
  const keys = await pages.keys();
  for (const old of keys.slice(0, Math.max(0, keys.length - PAGES_KEPT))) await pages.delete(old);
}

async function copyOf(request) {
  for (const name of [KIT_CACHE, PAGES_CACHE]) {
    const cache = await caches.open(name);
    const found = await cache.match(request, { ignoreVary: true });
    if (found) return found;
  }
  return null;
}

async function networkFirstPage(request) {
  try {
    const response = await fetchWithin(request, PAGE_TIMEOUT);
    if (response.ok && !response.redirected && response.type === "basic") {
      await (keepable(response) ? keepPage(request, response.clone()) : forgetPage(request));
    }
    return response;
  } catch (error) {
    const cached = await copyOf(request);
    if (cached) return markAsCopy(cached);
    return (await caches.match(OFFLINE_URL)) || Response.error();
  }
}

// A form posted without a connection: the page says the step needs the network (nothing was
// sent), instead of the browser's own error page.
async function postOrSayOffline(request) {
  try {
    return await fetch(request);
  } catch (error) {
    return (await caches.match(NEEDS_NETWORK_URL)) || (await caches.match(OFFLINE_URL))
      || Response.error();
  }
}

// A page served from the cache says so: the shell's hidden "offline — copy from HH:MM" line
// gets the time the copy was made (the response's Date), and the page's script shows it.
async function markAsCopy(cached) {
  // An image opened on its own (a photo in full) is shown as it is.
  if (!(cached.headers.get("Content-Type") || "").includes("text/html")) return cached;
  const made = new Date(cached.headers.get("Date") || Date.now());
  const stamp = Number.isNaN(made.getTime()) ? "" : made.toISOString();
  const html = (await cached.text()).replace(
    'id="offline-copy"', `id="offline-copy" data-copied-at="${stamp}"`);
  return new Response(html, {
    status: 200,
    headers: { "Content-Type": cached.headers.get("Content-Type") || "text/html; charset=utf-8" },
  });
}

// Static files are versioned (?v=…); a page that names one without its version still gets it.
async function cacheFirst(request) {
  const cached = await caches.match(request, { ignoreVary: true })
    || await caches.match(request, { ignoreVary: true, ignoreSearch: true });
  return cached || fetch(request);
}

// Images of the kit (QR codes, photos, check-in codes) come from the phone's copy, which the
// kit keeps current; others from the network.
async function kitFirst(request) {
  const kit = await caches.open(KIT_CACHE);
  const cached = await kit.match(request, { ignoreVary: true });
  return cached || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(request.method === "GET" ? networkFirstPage(request) : postOrSayOffline(request));
    return;
  }
  if (request.method !== "GET") return;
  if (url.pathname.startsWith("/static/") || /^\/[\w-]+\/static\//.test(url.pathname)) {
    event.respondWith(cacheFirst(request));
  } else if (request.destination === "image") {
    event.respondWith(kitFirst(request));
  }
});

/* The field kit (DESIGN.md, "Reading offline"). A page asks with {type: "kit-check", user,
 * force, refetch}: the manifest is read at most every few minutes (at once when forced, when
 * the kit is not complete, or for another user); when its version differs, every page is
 * fetched again and fixed assets only if missing; what left the manifest is deleted. */
let kitRun = null;
let kitGeneration = 0;
let kitAbort = new AbortController();

async function kitStatus() {
  const cache = await caches.open(KIT_CACHE);
  const found = await cache.match(KIT_STATUS);
  return found ? found.json() : null;
}

async function tellPages(message) {
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  for (const client of windows) client.postMessage(message);
}

async function saveKitStatus(status, generation) {
  if (generation !== kitGeneration) return;
  const cache = await caches.open(KIT_CACHE);
  await cache.put(KIT_STATUS, new Response(JSON.stringify(status), {
    headers: { "Content-Type": "application/json" },
  }));
  await tellPages({ type: "kit-status", status });
}

function checkKit(options) {
  if (!kitRun) kitRun = runKit(options).finally(() => { kitRun = null; });
  return kitRun;
}

async function runKit({ user, force = false, refetch = false }) {
  const generation = kitGeneration;
  const { signal } = kitAbort;
  let before = await kitStatus();
  const now = Date.now();
  const sameUser = before && String(before.user) === String(user);
  if (!force && !refetch && sameUser && before.complete && now - before.checked_at < KIT_CHECK_EVERY) {
    return tellPages({ type: "kit-status", status: before });
  }
  let manifest;
  try {
    const response = await fetchWithin(KIT_MANIFEST, 15000, {
      credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" }, signal,
    });
    if (!response.ok) return null;  // logged out: nothing of anyone's is fetched
    manifest = await response.json();
  } catch (error) {
    if (before) await tellPages({ type: "kit-status", status: before, offline: true });
    return null;
  }
  if (before && String(before.user) !== String(manifest.user)) {
    // Another person on this phone: nothing of the previous one stays readable.
    await Promise.all([caches.delete(KIT_CACHE), caches.delete(PAGES_CACHE)]);
    before = null;
  }
  if (!refetch && before && before.complete && before.version === manifest.version) {
    return saveKitStatus({ ...before, checked_at: now }, generation);
  }
  const cache = await caches.open(KIT_CACHE);
  const fixed = new Set(manifest.assets || []);
  const sizes = { ...(before?.sizes || {}) };
  const failed = [];
  const queue = [...manifest.urls];
  const total = queue.length;
  let done = 0;
  await tellPages({ type: "kit-progress", done, total });
  const work = async () => {
    while (queue.length && generation === kitGeneration) {
      const url = queue.shift();
      if (!(fixed.has(url) && url in sizes && await cache.match(url))) {
        try {
          const response = await fetchWithin(url, 30000, {
            credentials: "same-origin", headers: COPY_HEADERS, signal,
          });
          if (response.ok && !response.redirected && generation === kitGeneration) {
            sizes[url] = (await response.clone().blob()).size;
            await cache.put(url, response);
          } else {
            failed.push({ url, status: response.status });
          }
        } catch (error) {
          failed.push({ url, status: 0 });
        }
      }
      done += 1;
      if (done % 10 === 0) await tellPages({ type: "kit-progress", done, total });
    }
  };
  await Promise.all(Array.from({ length: KIT_PARALLEL }, work));
  if (generation !== kitGeneration) return null;
  // Bounded: what left the manifest leaves the phone.
  const wanted = new Set(manifest.urls.map((url) => new URL(url, self.location.origin).href));
  for (const request of await cache.keys()) {
    if (!wanted.has(request.url) && new URL(request.url).pathname !== KIT_STATUS) await cache.delete(request);
  }
  for (const url of Object.keys(sizes)) {
    if (!wanted.has(new URL(url, self.location.origin).href)) delete sizes[url];
  }
  // A page that could not be fetched now but has an older copy is still there to read.
  const missing = [];
  for (const entry of failed) if (!(await cache.match(entry.url))) missing.push(entry);
  const complete = missing.length === 0;
  return saveKitStatus({
    user: manifest.user,
    // Any failure leaves the old version, so the next check fetches again.
    version: failed.length ? before?.version || null : manifest.version,
    complete,
    missing,
    stale: failed.length - missing.length,
    urls: manifest.urls,
    sizes,
    pages: manifest.urls.length,
    bytes: Object.values(sizes).reduce((sum, n) => sum + n, 0),
    ready_at: complete ? (failed.length ? before?.ready_at || now : now) : null,
    checked_at: now,
  }, generation);
}

async function forgetKit() {
  // A refresh still running stops at once: no response of the old session lands (and sets
  // its cookie again) after the log-out, and nothing more is kept.
  kitGeneration += 1;
  kitAbort.abort();
  kitAbort = new AbortController();
  await Promise.all([caches.delete(KIT_CACHE), caches.delete(PAGES_CACHE)]);
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "kit-check") event.waitUntil(checkKit(data));
  else if (data.type === "kit-forget") event.waitUntil(forgetKit());
});

/* Push notifications (the `notify` blueprint). A push carries JSON:
 * {id, title, body, url, open, tag, category}; `url` is the item, `open` marks it read. */
const RENEW_URL = "/notifications/subscriptions/renew";

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = { body: event.data ? event.data.text() : "" };
  }
  event.waitUntil(
    self.registration.showNotification(data.title || "职工之家", {
      body: data.body || "",
      tag: data.tag,
      icon: "/static/icons/icon-192.png",
      badge: "/static/icons/favicon-32.png",
      data: { url: data.url || "/", open: data.open || data.url || "/" },
    })
  );
});

async function markRead(open) {
  const response = await fetch("/sync/token", { credentials: "same-origin" });
  const token = response.ok ? (await response.json()).csrf_token : null;
  if (!token) return;
  await fetch(`${open.pathname}/read`, {
    method: "POST",
    credentials: "same-origin",
    headers: { "X-CSRFToken": token, "HX-Request": "true" },
    redirect: "manual",
  });
}

async function openTarget(data) {
  const item = new URL(data.url || "/", self.location.origin);
  const open = new URL(data.open || item.href, self.location.origin);
  if (item.origin !== self.location.origin || open.origin !== self.location.origin) return;
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const showing = windows.find((client) => new URL(client.url).pathname === item.pathname);
  if (showing) {
    // Already on the item: bring it forward, and count the notification as read (a GET of
    // its page changes nothing; marking read is a POST with the session's CSRF token).
    markRead(open).catch(() => {});
    return showing.focus().catch(() => {});
  }
  for (const client of windows) {
    try {
      await client.focus().catch(() => {});
      return await client.navigate(open.href);
    } catch (error) {
      // Not a window this worker controls; try the next, or open a new one.
    }
  }
  return self.clients.openWindow(open.href);
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(openTarget(event.notification.data || {}));
});

self.addEventListener("pushsubscriptionchange", (event) => {
  // The browser replaced (or dropped) our subscription: make a new one and tell the server,
  // which knows this browser by its old endpoint.
  event.waitUntil((async () => {
    const old = event.oldSubscription;
    const subscription = event.newSubscription || (old && await self.registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: old.options.applicationServerKey,
    }));
    if (!old || !subscription) return;
    await fetch(RENEW_URL, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ old_endpoint: old.endpoint, subscription: subscription.toJSON() }),
    });
  })());
});

// Outbox (sync feature): a Background Sync event flushes the outbox from the worker itself.
// The worker, not an open tab, does the work: when the phone regains network with no tab
// open there is no page to message, and outbox-core.js needs only IndexedDB and fetch.
importScripts(`/static/js/outbox-core.js?v=${VERSION}`);

self.addEventListener("sync", (event) => {
  if (event.tag !== "outbox") return;
  event.waitUntil(self.WHOutbox.flush().then((result) => {
    // Rejecting asks the browser to fire the event again later, with its own backoff.
    if (result.state === "offline" || result.retry) throw new Error("outbox: not all sent");
  }));
});
