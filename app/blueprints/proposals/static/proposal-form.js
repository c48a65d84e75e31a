// The new-proposal form is an outbox form. Sent at once from here (online), a proposal goes
// where the form posted the ordinary way goes: to the proposal, its confirmation said there
// ("Draft saved.", "Sent."). Kept on the phone (offline), it waits in the list below the form.
const form = document.getElementById("proposal-form");
const strings = JSON.parse(document.getElementById("outbox-strings")?.textContent || "{}");
const said = new Map();  // record id -> what the phone said when it was sent from this form
const pages = new Map();  // record id -> the page of the proposal it became

// Both are needed, and either may be heard first: the form's `outbox:sent` (outbox.js) and
// the sync's news with the proposal's address (`outbox:synced`).
function follow(id) {
  if (!said.has(id) || !pages.has(id)) return;
  sessionStorage.setItem("outbox-toast", said.get(id));  // said again there (outbox-edit.js)
  location.assign(pages.get(id));
}

self.addEventListener("outbox:synced", ({ detail }) => {
  pages.set(detail.record.id, detail.url);
  follow(detail.record.id);
});
form?.addEventListener("outbox:sent", ({ detail: record }) => {
  said.set(record.id, record.said || strings.sent);
  follow(record.id);
});
