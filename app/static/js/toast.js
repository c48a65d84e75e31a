// The toast at the foot of the page (#toast in base.html): one short message at a time, gone
// after six seconds. Shared by the field kit (kit.js) and the outbox (outbox.js).

export function say(text) {
  const toast = document.getElementById("toast");
  if (!toast) return;
  const p = document.createElement("p");
  p.textContent = text;
  toast.replaceChildren(p);
  toast.hidden = false;
  clearTimeout(say.timer);
  say.timer = setTimeout(() => { toast.hidden = true; }, 6000);
}
