// The activity form: show the training or competition settings only for that kind.
// Without JavaScript every section shows and the server ignores what does not apply.

const kind = document.querySelector("select[name=kind]");

function showSections() {
  document.querySelectorAll("[data-for-kind]").forEach((section) => {
    section.hidden = section.dataset.forKind !== kind.value;
  });
}

if (kind) {
  kind.addEventListener("change", showSections);
  showSections();
}
