// What a form requires, said on the phone in the page's words before anything is kept (the
// browser's own bubble speaks the browser's language, and takes a text of spaces): a part of
// the form marked `data-required="<message>"` (a survey's question, a form's field) must be
// answered — a choice made, or a text with more than spaces in it, as the server reads it. A
// part that is hidden is not asked. The message goes in the part's errors list, as the server
// puts its own there. Pages that load this module get it on every form, also forms that come
// in later (a hazard's page fetched again after a sync).

// Each part's message shown or taken back; returns the first part left unanswered.
function unanswered(form) {
  let first = null;
  for (const part of form.querySelectorAll("[data-required]")) {
    const inputs = [...part.querySelectorAll("input, textarea, select")];
    const answered = part.hidden || inputs.some((input) =>
      (input.type === "radio" || input.type === "checkbox" ? input.checked : input.value.trim()));
    let list = part.querySelector("ul.errors");
    if (!list && !answered) {
      list = Object.assign(document.createElement("ul"), { className: "errors", id: `${inputs[0].id}-missing` });
      part.append(list);
      const described = inputs[0].getAttribute("aria-describedby");
      inputs[0].setAttribute("aria-describedby", described ? `${described} ${list.id}` : list.id);
    }
    part.classList.toggle("has-errors", !answered);
    for (const input of inputs) mark(input, answered ? "" : part.dataset.required);
    if (list) {
      list.replaceChildren(...(answered ? [] : [Object.assign(document.createElement("li"),
        { textContent: part.dataset.required })]));
      list.hidden = answered;
    }
    if (!answered) first ??= part;
  }
  return first;
}

// Invalid to the browser too (`:invalid`, checkValidity), until the part is answered.
function mark(input, message) {
  input.setCustomValidity(message);
  if (message) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
}

// Before the outbox reads the form (its listener is on the document, after this one), and
// before a form posts the ordinary way.
document.addEventListener("submit", (event) => {
  if (event.defaultPrevented) return;  // a correction of a refused record (outbox-edit.js)
  const missing = unanswered(event.target);
  if (!missing) return;
  event.preventDefault();  // the outbox leaves it alone; nothing is kept
  missing.closest("details")?.setAttribute("open", "");  // a hazard's step, folded
  missing.scrollIntoView({ block: "center" });
  missing.querySelector("input, textarea, select")?.focus({ preventScroll: true });
}, true);

// A part answered now is no longer said to be wrong.
document.addEventListener("input", (event) => {
  const part = event.target.closest?.("[data-required].has-errors");
  if (!part) return;
  part.classList.remove("has-errors");
  for (const list of part.querySelectorAll("ul.errors")) list.hidden = true;
  for (const input of part.querySelectorAll("input, textarea, select")) mark(input, "");
});
