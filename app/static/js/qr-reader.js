// Reading QR codes from the phone's camera: BarcodeDetector where the browser has it, else the
// vendored jsQR (loaded on first use, from the phone's copy when offline). Shared by the
// organizer's check-in scanner and the patrol scanner.

const REPEAT_MS = 3000; // the same code seen again within this time is the same scan

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

async function qrReader(jsqrUrl) {
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
  await loadScript(jsqrUrl);
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

// Opens the back camera in `video` and calls onCode(text) for each code read (a repeat of the
// same code within a few seconds is one scan). Returns false when there is no camera.
export async function scanInto(video, jsqrUrl, onCode) {
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
  } catch (failure) {
    return false;
  }
  video.hidden = false;
  video.srcObject = stream;
  await video.play();
  const read = await qrReader(jsqrUrl);
  let last = { code: null, at: 0 };
  const tick = async () => {
    if (!stream.active) return;
    try {
      const code = await read(video);
      const now = Date.now();
      if (code && (code !== last.code || now - last.at > REPEAT_MS)) {
        last = { code, at: now };
        if (onCode(code) === "stop") {
          stream.getTracks().forEach((track) => track.stop());
          return;
        }
      }
    } catch (failure) {
      console.warn("scan failed", failure);
    }
    setTimeout(tick, 250);
  };
  tick();
  window.addEventListener("pagehide", () => stream.getTracks().forEach((track) => track.stop()), { once: true });
  return true;
}
