// The activity form: show the training (and job drill) or competition settings only for
// those kinds (data-for-kind lists them, separated by spaces).
// Without JavaScript every section shows and the server ignores what does not apply.

const kind = document.querySelector("select[name=kind]");

function showSections() {
  document.querySelectorAll("[data-for-kind]").forEach((section) => {
    section.hidden = !section.dataset.forKind.split(" ").includes(kind.value);
  });
}

if (kind) {
  kind.addEventListener("change", showSections);
  showSections();
}
