/* The outbox: records and their photo bytes in IndexedDB, and the flush that sends them.
 *
 * A classic script on purpose: pages load it before outbox.js, and the service worker loads
 * it with importScripts() so that a Background Sync event can flush with no tab open. It
 * exposes `self.WHOutbox`.
 *
 * Rules it keeps: a record and its photos leave IndexedDB only after the server acknowledged
 * the record (created/duplicate) and every photo it reported missing; records go only under
 * the account that captured them (the owner is checked against /sync/token); one flush at a
 * time across tabs and the worker (Web Locks, else a lease in IndexedDB).
 */
"use strict";

(function (scope) {
  const DB_NAME = "workers-home-outbox";
  const DB_VERSION = 1;
  const BATCH = 25;
  const LEASE_MS = 60000;
  // States that the flush sends; the others wait for the user (fix, retry or discard).
  const SENDABLE = new Set(["pending", "error"]);
  const channel = "BroadcastChannel" in scope ? new BroadcastChannel("outbox") : null;

  let dbPromise = null;

  function openDb() {
    if (dbPromise) return dbPromise;
    dbPromise = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains("records")) {
          db.createObjectStore("records", { keyPath: "id" }).createIndex("owner", "owner");
        }
        if (!db.objectStoreNames.contains("photos")) {
          db.createObjectStore("photos", { keyPath: "id" }).createIndex("record", "record");
        }
        if (!db.objectStoreNames.contains("meta")) db.createObjectStore("meta", { keyPath: "key" });
      };
      request.onsuccess = () => {
        const db = request.result;
        // A newer version of this code wants to upgrade: let it, and reopen on next use.
        db.onversionchange = () => { db.close(); dbPromise = null; };
        resolve(db);
      };
      request.onerror = () => { dbPromise = null; reject(request.error); };
    });
    return dbPromise;
  }

  // Run `work(stores)` in one transaction; resolves with what work returned once it commits.
  async function transaction(names, mode, work) {
    const db = await openDb();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(names, mode);
      const stores = Object.fromEntries(names.map((name) => [name, tx.objectStore(name)]));
      const box = {};
      tx.oncomplete = () => resolve(box.value);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error("outbox transaction aborted"));
      box.value = work(stores, box);
    });
  }

  function into(box, key, request) {
    request.onsuccess = () => { box[key] = request.result; };
    return request;
  }

  function changed(detail = { type: "changed" }) {
    if (channel) channel.postMessage(detail);
    if (scope.dispatchEvent && typeof CustomEvent === "function") {
      scope.dispatchEvent(new CustomEvent("outbox:changed", { detail }));
    }
  }

  async function add(record, photos) {
    await transaction(["records", "photos"], "readwrite", (s) => {
      s.records.add(record);
      for (const photo of photos) s.photos.put(photo);
    });
    changed();
  }

  // A correction of a refused record, saved in place: the same id with new data, its photos
  // changed, in one transaction. Only while the record is still here and still refused —
  // another tab may have discarded it, or retried it unchanged, meanwhile. Answers "replaced",
  // "gone" (no longer in the outbox) or "busy" (being sent again: not the version edited).
  async function replace(record, addPhotos, removePhotoIds) {
    const box = await transaction(["records", "photos"], "readwrite", (s, b) => {
      const request = s.records.get(record.id);
      request.onsuccess = () => {
        const current = request.result;
        if (!current || current.owner !== record.owner) { b.outcome = "gone"; return; }
        if (current.state !== "invalid") { b.outcome = "busy"; return; }
        const own = new Set(current.photos.map((p) => p.id));
        for (const id of removePhotoIds) if (own.has(id)) s.photos.delete(id);
        for (const photo of addPhotos) s.photos.put(photo);
        s.records.put(record);
        b.outcome = "replaced";
      };
      return b;
    });
    if (box.outcome === "replaced") changed();
    return box.outcome;
  }

  async function list() {
    const box = await transaction(["records"], "readonly", (s, b) => {
      into(b, "all", s.records.getAll());
      return b;
    });
    return (box.all || []).sort((a, b) => a.seq - b.seq || (a.id < b.id ? -1 : 1));
  }

  async function get(id) {
    const box = await transaction(["records"], "readonly", (s, b) => {
      into(b, "record", s.records.get(id));
      return b;
    });
    return box.record;
  }

  async function getPhoto(id) {
    const box = await transaction(["photos"], "readonly", (s, b) => {
      into(b, "photo", s.photos.get(id));
      return b;
    });
    return box.photo;
  }

  async function update(id, changes) {
    await transaction(["records"], "readwrite", (s) => {
      const request = s.records.get(id);
      request.onsuccess = () => {
        if (request.result) s.records.put({ ...request.result, ...changes });
      };
    });
    changed();
  }

  // The record and its photos go together, in one transaction.
  async function remove(id) {
    await transaction(["records", "photos"], "readwrite", (s) => {
      s.records.delete(id);
      const keys = s.photos.index("record").getAllKeys(id);
      keys.onsuccess = () => { for (const key of keys.result) s.photos.delete(key); };
    });
    changed();
  }

  async function meta(key, make) {
    return transaction(["meta"], "readwrite", (s, box) => {
      const request = s.meta.get(key);
      request.onsuccess = () => {
        if (request.result) { box.value = request.result.value; return; }
        box.value = make();
        s.meta.put({ key, value: box.value });
      };
      return box;
    }).then((box) => box.value);
  }

  const deviceId = () => meta("device", () => crypto.randomUUID());

  // Fallback lock where the Web Locks API is missing: a lease with an expiry in IndexedDB.
  // IndexedDB runs read-write transactions on one store one after another, so the check and
  // the claim cannot interleave with another tab's.
  async function withLease(run) {
    const me = crypto.randomUUID();
    const box = await transaction(["meta"], "readwrite", (s, b) => {
      const request = s.meta.get("lease");
      request.onsuccess = () => {
        const lease = request.result;
        b.ok = !lease || lease.value.until < Date.now();
        if (b.ok) s.meta.put({ key: "lease", value: { owner: me, until: Date.now() + LEASE_MS } });
      };
      return b;
    });
    if (!box.ok) return { state: "busy" };
    try {
      return await run();
    } finally {
      await transaction(["meta"], "readwrite", (s) => {
        const request = s.meta.get("lease");
        request.onsuccess = () => {
          if (request.result && request.result.value.owner === me) s.meta.delete("lease");
        };
      });
    }
  }

  function flush() {
    if (scope.navigator && scope.navigator.locks) {
      return scope.navigator.locks.request("workers-home-outbox-flush", flushLocked);
    }
    return withLease(flushLocked);
  }

  const wire = (r) => ({
    id: r.id,
    kind: r.kind,
    captured_at: r.captured_at,
    data: r.data,
    photos: r.photos.map(({ id, sha256, size, item_id }) => ({ id, sha256, size, item_id })),
  });

  async function json(response) {
    try { return await response.json(); } catch (error) { return {}; }
  }

  // Why a fetch failed, as the person can act on it: no network at all, or a network but a
  // server that does not answer (navigator.onLine is only trusted when it says "offline").
  const unreachable = () => (scope.navigator && scope.navigator.onLine === false ? "offline" : "unreachable");
  const TIMEOUT_MS = 15000;
  const within = () => (typeof AbortSignal !== "undefined" && AbortSignal.timeout
    ? { signal: AbortSignal.timeout(TIMEOUT_MS) } : {});

  // One pass over this user's sendable records. Returns {state, reason, pending, retry,
  // owner}: state "done", "offline" (a fetch failed or the server is in trouble: try again
  // later; `reason` says which) or "paused" (401: log in).
  async function flushLocked() {
    // Nothing to send: ask the server nothing either (no request on every page load).
    if (!(await list()).some((r) => SENDABLE.has(r.state))) return finish("done");
    let response;
    try {
      response = await fetch("/sync/token", {
        credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" },
        ...within(),
      });
    } catch (error) {
      return finish("offline", undefined, unreachable());
    }
    if (response.status === 401) return finish("paused", undefined, "login");
    const token = response.ok ? await json(response) : {};
    if (!token.csrf_token) return finish("offline", undefined, "unreachable");
    const owner = String(token.user_id);
    const device = await deviceId();
    // A record naming one the server refused (a round's hazard names its round by its record
    // id) waits for it, pending: sent, it would be refused for want of the round.
    const all = await list();
    const held = new Set(all.filter((r) => r.state === "invalid").map((r) => r.id));
    const records = all.filter((r) => r.owner === owner && SENDABLE.has(r.state) && !held.has(r.data?.patrol_id));
    for (let i = 0; i < records.length; i += BATCH) {
      const batch = records.slice(i, i + BATCH);
      const outcome = await sendBatch(batch, device, token.csrf_token, held);
      if (outcome !== "ok") {
        const reason = outcome === "paused" ? "login" : outcome === "server" ? "server" : unreachable();
        return finish(outcome === "paused" ? "paused" : "offline", owner, reason);
      }
    }
    return finish("done", owner);
  }

  // Each record still waiting says when it was last tried and why it waits: "offline",
  // "unreachable", "server" (it answered with an error: retried), "login", or "fix" (the
  // server refused it: the person corrects or discards it) or "round" (the record it names was
  // refused: it goes once that one is corrected).
  async function finish(state, owner, reason) {
    if (reason || owner !== undefined) {
      const now = new Date().toISOString();
      await transaction(["records"], "readwrite", (s) => {
        const request = s.records.getAll();
        request.onsuccess = () => {
          for (const record of request.result) {
            if (owner !== undefined && record.owner !== owner) continue;
            let why = reason;
            // Left pending by a pass that sent all it could: held for the record it names.
            if (state === "done") why = { error: "server", pending: "round" }[record.state] || "fix";
            else if (!SENDABLE.has(record.state)) why = "fix";
            const tried = SENDABLE.has(record.state) || !record.last_try;
            s.records.put({ ...record, reason: why, last_try: tried ? now : record.last_try });
          }
        };
      });
    }
    const all = await list();
    const mine = all.filter((r) => owner === undefined || r.owner === owner);
    // Records the server could not take just now: the caller should try again later.
    const retry = mine.filter((r) => r.state === "error").length;
    changed();
    return { state, reason, pending: mine.length, retry, owner };
  }

  async function sendBatch(batch, device, csrf, held) {
    let response;
    try {
      response = await fetch("/sync", {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf,
        },
        body: JSON.stringify({ device, records: batch.map(wire) }),
        ...within(),
      });
    } catch (error) {
      return "offline";
    }
    if (response.status === 401) return "paused";
    if (response.status >= 500 || response.status === 404) return "server";
    const body = await json(response);
    if (!response.ok || !Array.isArray(body.results)) {
      const message = body.error || `${response.status}`;
      for (const record of batch) await update(record.id, { state: "error", errors: { record: [message] } });
      return "ok";
    }
    for (const [index, result] of body.results.entries()) {
      const record = batch[index];
      if (!record || result.id !== record.id) continue;
      // Not taken, it holds the records naming it; refused with the record it names (earlier in
      // this pass), it stays pending, waiting for that one.
      if (result.status !== "created" && result.status !== "duplicate") {
        held.add(record.id);
        if (held.has(record.data?.patrol_id)) continue;
      }
      const outcome = await settle(record, result, csrf);
      if (outcome !== "ok") return outcome;
    }
    return "ok";
  }

  async function settle(record, result, csrf) {
    if (result.status === "created" || result.status === "duplicate") {
      const photos = await sendPhotos(result.missing_photos || [], csrf);
      if (photos.outcome !== "ok") return photos.outcome;
      if (Object.keys(photos.errors).length) {
        await update(record.id, { state: "photo_error", errors: photos.errors, url: result.url });
      } else {
        await remove(record.id);
        const { id, kind, name, label, captured_at, owner, form_url, data } = record;
        changed({
          type: "synced", url: result.url,
          record: { id, kind, name, label, captured_at, owner, form_url, data },
        });
      }
      return "ok";
    }
    const state = result.status === "invalid" || result.status === "conflict" ? result.status : "error";
    await update(record.id, {
      state, errors: result.errors || {}, attempts: (record.attempts || 0) + 1,
      last_try: new Date().toISOString(),
    });
    return "ok";
  }

  async function sendPhotos(ids, csrf) {
    const errors = {};
    for (const id of ids) {
      const photo = await getPhoto(id);
      if (!photo) { errors.photos = ["missing on this phone"]; continue; }
      let response;
      try {
        response = await fetch(`/sync/photos/${id}`, {
          method: "PUT",
          credentials: "same-origin",
          headers: { "Content-Type": "image/jpeg", Accept: "application/json", "X-CSRFToken": csrf },
          body: photo.bytes,
          ...within(),
        });
      } catch (error) {
        return { outcome: "offline", errors };
      }
      if (response.status === 401) return { outcome: "paused", errors };
      if (response.status >= 500) return { outcome: "server", errors };
      if (!response.ok) {
        const body = await json(response);
        errors.photos = [...(errors.photos || []), body.error || `${response.status}`];
      }
    }
    return { outcome: "ok", errors };
  }

  scope.WHOutbox = {
    add, replace, list, get, getPhoto, update, remove, flush, deviceId, channelName: "outbox",
  };
})(self);
