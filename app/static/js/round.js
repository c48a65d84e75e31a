// The whole round on one page, made for a glove: it records when it was opened, answers the
// remaining items "yes" in one tap, and a "no" offers a hazard filled in from the item that is
// captured with the round (after it, so the server knows the round, and by the item the
// answer, it points to).

const form = document.querySelector("form[data-outbox=patrol]");
const stamp = (name) => form.querySelector(`[data-outbox-stamp=${name}]`);
const now = () => new Date().toISOString();

function showHazardOffers() {
  for (const item of form.querySelectorAll(".checklist-items > li")) {
    const offer = item.querySelector("[data-round-hazard]");
    if (!offer) continue;
    const no = item.querySelector("input[type=radio][value=no]");
    offer.hidden = !no?.checked;
    const toggle = offer.querySelector("[data-hazard-toggle]");
    offer.querySelector("[data-hazard-fields]").hidden = !(no?.checked && toggle.checked);
  }
}

if (form) {
  // A round being corrected (outbox-edit.js) keeps the times it was walked at: the form
  // takes them from its record, and a time stamped here names no form (data-outbox-stamp).
  if (!stamp("started").value) stamp("started").value = now();
  const allOk = form.querySelector("[data-all-ok]");
  allOk.hidden = false;
  allOk.addEventListener("click", () => {
    for (const group of form.querySelectorAll(".answer-choices")) {
      if (group.querySelector("input:checked")) continue;
      const yes = group.querySelector("input[value=yes]");
      if (yes) yes.checked = true;
    }
    showHazardOffers();
  });
  form.addEventListener("change", showHazardOffers);
  form.addEventListener("submit", () => {
    if (!stamp("finished").value) stamp("finished").value = now();
  }, true);
  // The round is in the outbox: its hazards follow, naming it by its record id. Each keeps
  // what its fields are called here (the item's note is its description), so a refusal names
  // them as the inspector saw them, and is corrected on the hazard form: this page has none.
  form.addEventListener("outbox:captured", (event) => {
    const { record, more } = event.detail;
    const page = self.WHOutboxPage;
    for (const item of form.querySelectorAll(".checklist-items > li")) {
      const offer = item.querySelector("[data-round-hazard]");
      if (!offer || offer.hidden || !offer.querySelector("[data-hazard-toggle]").checked) continue;
      const fields = [...offer.querySelectorAll("[data-hazard-field]"), item.querySelector("input[name$='[note]']")];
      const named = (value) => Object.fromEntries(fields.map((f) => [f.dataset.hazardField || "description", value(f)]));
      const data = named((f) => f.value);
      more.push(() => page.captureData({
        kind: "hazard",
        name: offer.dataset.outboxName || record.name,
        // Left blank, the title is the one offered (the server stores that one too).
        label: data.title.trim() || fields[0].defaultValue,
        labels: named((f) => f.labels[0].textContent.trim()),
        form_url: form.dataset.outboxFixHazard,
        data: {
          ...data,
          area_id: offer.dataset.areaId,
          patrol_id: record.id,
          item_id: item.querySelector("[name$='[item_id]']").value,
        },
      }));
    }
    // The next round starts now. Not on the form's reset: filling in a record resets it too.
    stamp("started").value = now();
    stamp("finished").value = "";
  });
  form.addEventListener("reset", () => setTimeout(showHazardOffers));
}
