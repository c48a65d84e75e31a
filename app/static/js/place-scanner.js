// The patrol scanner: the QR code of an area or a checkpoint opens that area's round (the
// page lists which codes lead where, so it works from the phone's copy without network).
import { scanInto } from "./qr-reader.js";

const section = document.querySelector("[data-place-scanner]");
const targets = JSON.parse(document.getElementById("scan-targets")?.textContent || "{}");

// Where a scanned text leads: a known place's round, another page of this app, or nowhere.
function destination(text) {
  let url;
  try {
    url = new URL(text, location.origin);
  } catch (error) {
    return null;
  }
  const path = url.pathname.replace(/\/$/, "") || "/";
  if (targets[path]) return targets[path];
  // A printed code may carry another host name (the server's address as printed): the path
  // is what names the place.
  if (/^\/safety\/(areas|checkpoints)\/\d+$/.test(path)) return path;
  return null;
}

function found(text) {
  const target = destination(text);
  if (target) {
    location.assign(target);
    return "stop";
  }
  const result = section.querySelector("[data-scanner-result]");
  result.textContent = section.dataset.notOurs;
  result.hidden = false;
  return "go on";
}

async function start(button) {
  button.hidden = true;
  const ok = await scanInto(section.querySelector("[data-scanner-video]"), section.dataset.jsqrUrl, found);
  if (!ok) {
    button.hidden = false;
    section.querySelector("[data-scanner-error]").hidden = false;
  }
}

if (section) {
  const button = section.querySelector("[data-scanner-start]");
  if (navigator.mediaDevices?.getUserMedia) {
    button.addEventListener("click", () => start(button));
  } else {
    button.hidden = true;
    section.querySelector("[data-scanner-error]").hidden = false;
  }
}
