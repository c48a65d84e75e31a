// A survey's answer page: questions that depend on an earlier answer show only after it (a
// required question left unanswered is said at the question by /static/js/required.js, which
// the page loads too: the server's rule, services/responses.py); and each response
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
  form.addEventListener("submit", () => {
    const field = form.querySelector("input[name=salt]");
    if (field) field.value = salt();
  });
  refresh(form);
}
