// The organizer's check-in page: read participants' QR codes with the phone camera and post
// them through the page's own check-in form (outbox-first, so it works at a door without
// network). Without a camera (or JavaScript) the typed code still works.
import { say } from "./app.js";
import { scanInto } from "./qr-reader.js";

const section = document.querySelector("[data-scanner]");
const form = document.querySelector("[data-checkin-form]");
const CODE = /^(?:WH-CHECKIN:)?(\d{1,12})-?([A-Z0-9]{6})$/;  // services/checkin.py's CODE
// app/services/inputs.py's typed_code: full width read, no spaces, each run of dashes one "-".
const typed = (code) => String(code || "").normalize("NFKC").replace(/\s/g, "").toUpperCase()
  .replace(/[-\u2010-\u2015\u2212、]+/g, "-");
const key = (code) => {
  const [, number, letters] = CODE.exec(typed(code)) || [];
  // Its letters as the server writes them (checkin.py's PLAIN): a 0 or O is 8, a 1, I or L 9.
  return number && `${number}-${letters.replace(/[0O]/g, "8").replace(/[1IL]/g, "9")}`;
};
// [name, checked in?, their code's digest if so] of the person a code's number is, from the
// page (the phone's copy when offline): the number alone, whatever the letters.
const person = (code) => {
  const people = document.getElementById("checkin-people");
  return key(code) && JSON.parse(people?.textContent || "{}")[key(code).split("-")[0]];
};

// services/checkin.py's code_digest: the first 8 hex digits of the SHA-256 of the code.
async function digest(code) {
  const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key(code)));
  return [...new Uint8Array(hash, 0, 4)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// This phone's check-ins for this activity still in the outbox (not refused), by code key.
async function waiting() {
  const records = (await self.WHOutbox?.list().catch(() => [])) || [];
  return new Set(records.filter((r) => r.kind === "checkin" && !["invalid", "conflict"].includes(r.state)
    && r.owner === document.body.dataset.userId && r.data?.activity_id === form.elements.activity_id.value)
    .map((r) => key(r.data.code)).filter(Boolean));
}

// Without the server (the phone offline, or this page its copy) what the phone can know is
// said at once and nothing is kept: what is no code at all, and a code whose number is no one
// on this activity's list (another activity's, a made-up one). Online the server says why.
function notKept(code) {
  const people = document.getElementById("checkin-people");
  const offline = navigator.onLine === false
    || Boolean(document.getElementById("offline-copy")?.dataset.copiedAt);
  if (!offline || !people || !typed(code)) return null;
  if (!key(code)) return people.dataset.notCode;
  if (!person(code)) return people.dataset.notListed;
  return null;
}

// Someone checked in already (on the server's roster, or waiting in this phone's outbox) is
// said at once, in the page's words for each case; nothing new is stored. A check-in on
// another phone the server answers alike. Their number with other letters is no code of
// theirs: it is said to be invalid, as the server would. (A copy of the page without digests,
// or no crypto.subtle outside a secure context: the server tells.)
async function already(code) {
  const people = document.getElementById("checkin-people").dataset;
  const [, checkedIn, theirs] = person(code) || [];
  if (checkedIn && theirs && self.crypto?.subtle) {
    return (await digest(code)) === theirs ? people.already : people.invalid;
  }
  if ((await waiting()).has(key(code))) return people.alreadyHere;
}

// Outside the check-in window the server refuses a scan, judged by when it was made: at a
// door without network the phone says so at once by its own clock (and says it is its clock),
// rather than keep a check-in that is refused after the person went in.
function outsideWindow() {
  const { opens, ends, notOpen, closed } = form.dataset;
  const now = new Date();
  const text = now < new Date(opens) ? notOpen : now > new Date(ends) ? closed : null;
  return text?.replace("%(now)s", now.toLocaleString("sv").slice(0, 16));
}

// At a door without network the count moves with each check-in: those waiting to be sent
// count, and are said to wait, until the page's count (fetched again on sync) has them.
async function recount() {
  const count = document.getElementById("checkin-count");
  if (!form || !count?.dataset.waiting) return;
  count.dataset.said ??= count.textContent;
  // Each person once (their number with other letters too), and only those on the list who
  // are not in yet: the count never has more in than signed up.
  const more = new Set([...await waiting()].filter((k) => person(k) && !person(k)[1])
    .map((k) => k.split("-")[0])).size;
  count.textContent = more ? count.dataset.waiting.replace("%(in)s", Number(count.dataset.in) + more)
    .replace("%(waiting)s", more) : count.dataset.said;
}
self.addEventListener("outbox:changed", recount);
document.addEventListener("htmx:load", recount);
recount();

let passing = false;
form?.addEventListener("submit", (event) => {
  const code = form.elements.code.value;
  if (passing) return;
  const refused = notKept(code);
  if (refused) {
    event.preventDefault();
    refuse(refused);
    return;
  }
  if (!key(code)) return;  // what is not a code the server explains
  event.preventDefault();
  already(code).then((text) => {
    text = text?.replace("%(name)s", person(code)?.[0] || code) || outsideWindow();
    if (!text) {
      passing = true;
      form.requestSubmit(event.submitter);
      passing = false;
      return;
    }
    if (text === document.getElementById("checkin-people").dataset.invalid) refuse(text);
    else {
      say(text);
      form.elements.code.value = "";
    }
  });
});

// A code refused on the phone: said at the field, as the server's refusal is, and in the
// toast; the form is empty for the next person.
function refuse(text) {
  sayAtField(text);
  say(text);
  form.elements.code.value = "";
}
// The outbox line names the person when the page knows them, else shows the code; sent at
// once, the toast says who is in (not a bare "sent"), for the organizer looking up at the door.
form?.addEventListener("outbox:captured", ({ detail: { record, more } }) => {
  const name = person(record.data.code)?.[0];
  if (!name) return;
  more.push(() => self.WHOutbox.update(record.id, { label: name }));
  record.said = document.getElementById("checkin-people").dataset.checkedIn.replace("%(name)s", name);
});
// A code the server refused at once (mistyped, another activity's) is not kept: its error
// stays at the field (outbox-edit.js) and is said, and the form is empty for the next person.
form?.addEventListener("outbox:refused", ({ detail: record }) => {
  form.elements.code.value = "";
  say(Object.values(record.errors).flat().join(" "));
});

// An invalid code stays said at the field too, as the server's refusal is (outbox-edit.js),
// until the next code is sent (or refused in turn: then its words replace these).
let unsay = () => {};
function sayAtField(text) {
  unsay();
  const input = form.elements.code;
  const holder = input.closest(".field");
  const described = input.getAttribute("aria-describedby");
  const list = Object.assign(document.createElement("ul"), { className: "errors", id: "checkin-code-invalid" });
  list.append(Object.assign(document.createElement("li"), { textContent: text }));
  holder.append(list);
  holder.classList.add("has-errors");
  input.setAttribute("aria-invalid", "true");
  input.setAttribute("aria-describedby", described ? `${described} ${list.id}` : list.id);
  const clear = () => {
    unsay = () => {};
    form.removeEventListener("submit", clear);
    list.remove();
    holder.classList.remove("has-errors");
    input.removeAttribute("aria-invalid");
    if (described) input.setAttribute("aria-describedby", described);
    else input.removeAttribute("aria-describedby");
  };
  unsay = clear;
  form.addEventListener("submit", clear, { once: true });
}

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
