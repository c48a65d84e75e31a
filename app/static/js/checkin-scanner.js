// The organizer's check-in page: read participants' QR codes with the phone camera and post
// them through the page's own check-in form. BarcodeDetector where the browser has it, else
// the vendored jsQR. Without a camera (or JavaScript) the typed code still works.

const section = document.querySelector("[data-scanner]");
const REPEAT_MS = 3000; // the same code seen again within this time is the same scan

async function qrReader() {
  if ("BarcodeDetector" in window) {
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      if (formats.includes("qr_code")) {
        const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        return async (video) => (await detector.detect(video))[0]?.rawValue;
      }
    } catch (error) {
      console.warn("BarcodeDetector unusable", error);
    }
  }
  await loadScript(section.dataset.jsqrUrl);
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  return async (video) => {
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    if (!canvas.width) return undefined;
    context.drawImage(video, 0, 0);
    const image = context.getImageData(0, 0, canvas.width, canvas.height);
    return window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" })?.data;
  };
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    if (window.jsQR) return resolve();
    const script = document.createElement("script");
    script.src = src;
    script.onload = resolve;
    script.onerror = reject;
    document.head.append(script);
  });
}

function submitCode(code) {
  const form = document.querySelector("[data-checkin-form]");
  if (!form) return;
  form.querySelector("input[name=code]").value = code;
  form.requestSubmit();
}

async function start(button) {
  const video = section.querySelector("[data-scanner-video]");
  const error = section.querySelector("[data-scanner-error]");
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
  } catch (failure) {
    error.hidden = false;
    return;
  }
  button.hidden = true;
  video.hidden = false;
  video.srcObject = stream;
  await video.play();
  const read = await qrReader();
  let last = { code: null, at: 0 };
  const tick = async () => {
    if (!stream.active) return;
    try {
      const code = await read(video);
      const now = Date.now();
      if (code && (code !== last.code || now - last.at > REPEAT_MS)) {
        last = { code, at: now };
        submitCode(code);
      }
    } catch (failure) {
      console.warn("scan failed", failure);
    }
    setTimeout(tick, 250);
  };
  tick();
  window.addEventListener("pagehide", () => stream.getTracks().forEach((track) => track.stop()), { once: true });
}

if (section && navigator.mediaDevices?.getUserMedia) {
  section.hidden = false;
  section.querySelector("[data-scanner-start]").addEventListener("click", (event) => start(event.currentTarget));
}
