// Parts of a page that a record on this phone makes untrue (a form, or an invitation, to answer
// a survey answered here and not yet sent): `data-outbox-hide-when="<kind>"` hides, and
// `data-outbox-show-when="<kind>"` shows, once this phone holds a record of that kind about
// each subject `data-outbox-match` names ("survey_id=3", or "survey_id=3 5" for several).
// A refused record does not count: its form stays, to correct it. A record sent from this
// page still hides (its page is fetched again: outbox.js's refreshAfterSync), but no longer
// waits. Loaded by outbox.js only on a page that has such parts.
const { userId } = self.WHOutboxPage;
const sent = new Map();  // records sent during this page's life

async function show() {
  const mine = ((await self.WHOutbox.list().catch(() => [])) || []).filter((r) => r.owner === userId);
  const waiting = mine.filter((r) => !["invalid", "conflict"].includes(r.state));
  for (const part of document.querySelectorAll("[data-outbox-hide-when]")) {
    part.hidden = holdsAll(part, part.dataset.outboxHideWhen, [...waiting, ...sent.values()]);
  }
  for (const part of document.querySelectorAll("[data-outbox-show-when]")) {
    part.hidden = !holdsAll(part, part.dataset.outboxShowWhen, waiting);
  }
}

function holdsAll(part, kind, records) {
  const [key, values = ""] = (part.dataset.outboxMatch || "").split("=");
  const subjects = values.split(" ").filter(Boolean);
  return subjects.length > 0 && subjects.every((value) =>
    records.some((r) => r.kind === kind && String(r.data?.[key] ?? "") === value));
}

self.addEventListener("outbox:synced", ({ detail }) => {
  if (detail.record.owner === userId) sent.set(detail.record.id, detail.record);
  show();
});
self.addEventListener("outbox:changed", show);
document.addEventListener("htmx:load", show);
show();
