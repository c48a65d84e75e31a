/* 职工之家 service worker: the app shell offline, pages network-first with a cached copy.
 * Served by the `pwa` blueprint at /sw.js, which fills in the version and precache list. */
"use strict";

const VERSION = "__VERSION__";
const SHELL_CACHE = `shell-${VERSION}`;
const PAGES_CACHE = "pages";
const PRECACHE = "__PRECACHE__";
const OFFLINE_URL = "/offline";
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
  // Drop old shells only; the pages cache and IndexedDB (the outbox) survive an update.
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
      if (response.ok && !response.redirected) await cache.put(client.url, response);
    } catch (error) {
      // Offline already: nothing to keep.
    }
  }));
}

async function networkFirstPage(request) {
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected && response.type === "basic") {
      const cache = await caches.open(PAGES_CACHE);
      await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    const cached = await caches.match(request, { cacheName: PAGES_CACHE, ignoreVary: true });
    if (cached) return markAsCopy(cached);
    return (await caches.match(OFFLINE_URL)) || Response.error();
  }
}

// A page served from the cache says so: the shell's hidden "offline — copy from HH:MM" line
// gets the time the copy was made (the response's Date), and the page's script shows it.
async function markAsCopy(cached) {
  const made = new Date(cached.headers.get("Date") || Date.now());
  const stamp = Number.isNaN(made.getTime()) ? "" : made.toISOString();
  const html = (await cached.text()).replace(
    'id="offline-copy"', `id="offline-copy" data-copied-at="${stamp}"`);
  return new Response(html, {
    status: 200,
    headers: { "Content-Type": cached.headers.get("Content-Type") || "text/html; charset=utf-8" },
  });
}

async function cacheFirst(request) {
  const cached = await caches.match(request, { ignoreVary: true });
  return cached || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(networkFirstPage(request));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(request));
  }
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

async function openTarget(data) {
  const item = new URL(data.url || "/", self.location.origin);
  const open = new URL(data.open || item.href, self.location.origin);
  if (item.origin !== self.location.origin || open.origin !== self.location.origin) return;
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const showing = windows.find((client) => new URL(client.url).pathname === item.pathname);
  if (showing) {
    // Already on the item: bring it forward, and count the notification as read.
    fetch(open.href, { credentials: "same-origin", redirect: "manual" }).catch(() => {});
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
