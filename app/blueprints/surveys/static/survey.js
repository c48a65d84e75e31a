// A survey's answer page: questions that depend on an earlier answer show only after it; a
// required question left unanswered is said at the question, in the page's words, before
// anything is kept (the browser's own bubble speaks its own language); and each response
// carries a random salt, so the digest the server keeps of the outbox record cannot be
// matched to answers by trying them all.
function refresh(form) {
  const chosen = new Set(
    Array.from(form.querySelectorAll("input[type=radio]:checked, input[type=checkbox]:checked"),
      (input) => input.value),
  );
  for (const question of form.querySelectorAll("[data-show-if]")) {
    const shown = chosen.has(question.dataset.showIf);
    question.hidden = !shown;
    for (const input of question.querySelectorAll("input, textarea")) input.disabled = !shown;
  }
}

// The server's rule (services/responses.py): a required question that is shown is answered.
// Each question's message goes in its errors list, as the server puts it there; returns the
// first question left unanswered.
function unanswered(form) {
  let first = null;
  for (const question of form.querySelectorAll("[data-required]")) {
    const inputs = [...question.querySelectorAll("input, textarea")];
    const answered = question.hidden || inputs.some((input) =>
      (input.type === "radio" || input.type === "checkbox" ? input.checked : input.value.trim()));
    const list = question.querySelector("ul.errors");
    question.classList.toggle("has-errors", !answered);
    if (list) {
      list.replaceChildren(...(answered ? [] : [Object.assign(document.createElement("li"),
        { textContent: question.dataset.required })]));
      list.hidden = answered;
    }
    if (!answered) first ??= question;
  }
  return first;
}

function salt() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

for (const form of document.querySelectorAll("form[data-survey]")) {
  form.addEventListener("change", () => refresh(form));
  // A question answered now is no longer said to be wrong.
  form.addEventListener("input", (event) => {
    const question = event.target.closest(".question.has-errors");
    if (!question) return;
    question.classList.remove("has-errors");
    question.querySelector("ul.errors").hidden = true;
  });
  // Before the outbox reads the form (its listener is on the document).
  form.addEventListener("submit", (event) => {
    const field = form.querySelector("input[name=salt]");
    if (field) field.value = salt();
    if (event.defaultPrevented) return;  // a correction of a refused record (outbox-edit.js)
    const missing = unanswered(form);
    if (missing) {
      event.preventDefault();  // the outbox leaves it alone; nothing is kept
      missing.scrollIntoView({ block: "center" });
      missing.querySelector("input, textarea")?.focus({ preventScroll: true });
    }
  });
  refresh(form);
}
