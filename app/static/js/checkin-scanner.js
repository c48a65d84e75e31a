// The organizer's check-in page: read participants' QR codes with the phone camera and post
// them through the page's own check-in form (outbox-first, so it works at a door without
// network). Without a camera (or JavaScript) the typed code still works.
import { scanInto } from "./qr-reader.js";

const section = document.querySelector("[data-scanner]");
const form = document.querySelector("[data-checkin-form]");
const CODE = /^(?:WH-CHECKIN:)?(\d{1,12})-?([A-Z2-7]{6})$/;  // services/checkin.py's CODE
const key = (code) => CODE.exec(String(code || "").normalize("NFKC").replace(/\s/g, "").toUpperCase())?.slice(1, 3).join("-");
// [name, checked in?] of a code's person, from the page (the phone's copy when offline).
const person = (code) => {
  const people = document.getElementById("checkin-people");
  return key(code) && JSON.parse(people?.textContent || "{}")[key(code).split("-")[0]];
};

// Someone checked in already (on the server's roster, or waiting in this phone's outbox) is
// said at once; nothing new is stored. A check-in on another phone the server answers alike.
async function already(code) {
  const waiting = (await self.WHOutbox?.list().catch(() => [])) || [];
  const mine = waiting.some((r) => r.kind === "checkin" && r.owner === document.body.dataset.userId
    && r.data?.activity_id === form.elements.activity_id.value && key(r.data.code) === key(code)
    && !["invalid", "conflict"].includes(r.state));
  return mine || person(code)?.[1];
}

let passing = false;
form?.addEventListener("submit", (event) => {
  const code = form.elements.code.value;
  if (passing || !key(code)) return;  // what is not a code the server explains
  event.preventDefault();
  already(code).then((done) => {
    if (!done) {
      passing = true;
      form.requestSubmit(event.submitter);
      passing = false;
      return;
    }
    const text = document.getElementById("checkin-people").dataset.already;
    const detail = text.replace("%(name)s", person(code)?.[0] || code);
    document.dispatchEvent(new CustomEvent("say", { detail }));
    form.elements.code.value = "";
  });
});
// The outbox line names the person when the page knows them, else shows the code.
form?.addEventListener("outbox:captured", ({ detail: { record, more } }) => {
  const name = person(record.data.code)?.[0];
  if (name) more.push(() => self.WHOutbox.update(record.id, { label: name }));
});

function submitCode(code) {
  if (!form) return;
  form.querySelector("input[name=code]").value = code;
  form.requestSubmit();
}

async function start(button) {
  const video = section.querySelector("[data-scanner-video]");
  button.hidden = true;
  const ok = await scanInto(video, section.dataset.jsqrUrl, submitCode);
  if (!ok) {
    button.hidden = false;
    section.querySelector("[data-scanner-error]").hidden = false;
  }
}

if (section && navigator.mediaDevices?.getUserMedia) {
  section.hidden = false;
  section.querySelector("[data-scanner-start]").addEventListener("click", (event) => start(event.currentTarget));
}
