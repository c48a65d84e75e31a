// Push on this phone: subscribe and unsubscribe from the user's tap (iOS allows the permission
// prompt only then), and keep the server's copy of this browser's subscription current.

const card = document.getElementById("push");

function csrfToken() {
  try {
    return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
  } catch {
    return "";
  }
}

function keyBytes(base64url) {
  const text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

function sameKey(buffer, bytes) {
  if (!buffer) return true;
  const a = new Uint8Array(buffer);
  return a.length === bytes.length && a.every((v, i) => v === bytes[i]);
}

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

// Some phones never answer subscribe() (no push service, e.g. without Google's): stop waiting.
function withTimeout(promise, ms) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

function setup() {
  const status = card.querySelector("[data-push-status]");
  const on = card.querySelector("[data-push-on]");
  const off = card.querySelector("[data-push-off]");
  const key = keyBytes(card.dataset.publicKey);

  function show(state) {
    status.textContent = card.dataset[`msg${state[0].toUpperCase()}${state.slice(1)}`];
    card.dataset.state = state;
    on.hidden = state === "on" || state === "unsupported";
    off.hidden = state !== "on";
  }

  const supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  if (!supported) return show("unsupported");

  async function current() {
    const registration = await navigator.serviceWorker.ready;
    return [registration, await registration.pushManager.getSubscription()];
  }

  async function refresh() {
    if (Notification.permission === "denied") return show("denied");
    const [, subscription] = await current();
    if (!subscription) return show("off");
    if (!sameKey(subscription.options.applicationServerKey, key)) {
      // Made with another server key (keys were replaced): useless now.
      await subscription.unsubscribe();
      return show("off");
    }
    // Tell the server again: it may have dropped it, or another account used this phone.
    await post(card.dataset.subscribeUrl, subscription.toJSON());
    show("on");
  }

  on.addEventListener("click", async () => {
    const label = on.querySelector("span");
    const idle = label.textContent;
    on.disabled = true;
    label.textContent = on.dataset.working;
    show("working");
    try {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") return show("denied");
      const [registration] = await current();
      const subscription = await withTimeout(
        registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }),
        Number(card.dataset.subscribeTimeout),
      );
      await post(card.dataset.subscribeUrl, subscription.toJSON());
      show("on");
    } catch (error) {
      console.warn("push subscription failed", error);
      show("failed");
    } finally {
      on.disabled = false;
      label.textContent = idle;
    }
  });

  off.addEventListener("click", async () => {
    off.disabled = true;
    try {
      const [, subscription] = await current();
      if (subscription) {
        await post(card.dataset.unsubscribeUrl, { endpoint: subscription.endpoint });
        await subscription.unsubscribe();
      }
      show("off");
    } catch (error) {
      console.warn("push unsubscribe failed", error);
      show("failed");
    } finally {
      off.disabled = false;
    }
  });

  refresh().catch((error) => {
    console.warn("push state unknown", error);
    show("off");
  });
}

if (card) setup();
