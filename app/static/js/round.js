// The whole round on one page, made for a glove: it records when it was opened, answers the
// remaining items "yes" in one tap, and a "no" offers a hazard filled in from the item that is
// captured with the round (after it, so the server knows the round, and by the item the
// answer, it points to).

const form = document.querySelector("form[data-outbox=patrol]");

function stampOpened() {
  const started = form.querySelector("[data-round-started]");
  if (started && !started.value) started.value = new Date().toISOString();
}

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
  stampOpened();
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
    form.querySelector("[data-round-finished]").value = new Date().toISOString();
  }, true);
  // The round is in the outbox: its hazards follow, naming it by its record id.
  form.addEventListener("outbox:captured", (event) => {
    const { record, more } = event.detail;
    const page = self.WHOutboxPage;
    for (const item of form.querySelectorAll(".checklist-items > li")) {
      const offer = item.querySelector("[data-round-hazard]");
      if (!offer || offer.hidden || !offer.querySelector("[data-hazard-toggle]").checked) continue;
      const field = (name) => offer.querySelector(`[data-hazard-field=${name}]`).value;
      const note = item.querySelector("input[type=text][name$='[note]']")?.value || "";
      more.push(() => page.captureData({
        kind: "hazard",
        name: offer.dataset.outboxName || record.name,
        label: field("title"),
        data: {
          title: field("title"),
          description: note,
          area_id: offer.dataset.areaId,
          category: field("category"),
          severity: field("severity"),
          patrol_id: record.id,
          item_id: item.querySelector("[name$='[item_id]']").value,
        },
      }));
    }
  });
  form.addEventListener("reset", () => {
    setTimeout(() => {
      form.querySelector("[data-round-started]").value = "";
      stampOpened();
      showHazardOffers();
    });
  });
}
