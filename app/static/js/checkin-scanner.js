// The organizer's check-in page: read participants' QR codes with the phone camera and post
// them through the page's own check-in form (outbox-first, so it works at a door without
// network). Without a camera (or JavaScript) the typed code still works.
import { scanInto } from "./qr-reader.js";

const section = document.querySelector("[data-scanner]");

function submitCode(code) {
  const form = document.querySelector("[data-checkin-form]");
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
