// A text with a limit (`maxlength`, the service's own) says how much room is left once it is
// nearly full, and says so when a paste was cut short: the browser stops the typing and cuts
// a paste at the limit without a word. The line goes under the field and is read out politely.

const strings = JSON.parse(document.getElementById("kit-strings")?.textContent || "{}");
const NEAR = 0.8;  // from 80 % of the limit on

function line(field) {
  const id = `${field.id || field.name}-room`;
  let note = document.getElementById(id);
  if (!note) {
    note = Object.assign(document.createElement("p"), { id, className: "hint text-room" });
    note.setAttribute("aria-live", "polite");
    field.after(note);
    const described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", described ? `${described} ${id}` : id);
  }
  return note;
}

function fill(text, values) {
  return text.replace(/%\((\w+)\)s/g, (hole, name) => values[name] ?? hole);
}

function show(field, cut = 0) {
  const max = field.maxLength;
  const left = max - field.value.length;
  const note = document.getElementById(`${field.id || field.name}-room`);
  if (!cut && left > max * (1 - NEAR)) {
    if (note) note.hidden = true;
    return;
  }
  const target = note || line(field);
  target.textContent = cut
    ? fill(strings.text_cut || "Only %(max)s characters fit: the last %(cut)s were not pasted.", { max, cut })
    : left > 0
      ? fill(strings.text_left || "%(n)s characters left", { n: left })
      : fill(strings.text_full || "The limit of %(max)s characters is reached.", { max });
  target.classList.toggle("text-room-full", left <= 0 || cut > 0);
  target.hidden = false;
}

const limited = (target) => target.matches?.("textarea[maxlength], input[maxlength]:not([type=number])")
  && target.maxLength > 0;

document.addEventListener("input", (event) => {
  if (limited(event.target)) show(event.target);
});

// What a paste brings minus what it replaces, against the room left: what the browser will drop.
document.addEventListener("paste", (event) => {
  const field = event.target;
  if (!limited(field)) return;
  const pasted = event.clipboardData?.getData("text") ?? "";
  const selected = (field.selectionEnd ?? 0) - (field.selectionStart ?? 0);
  const cut = field.value.length - selected + pasted.length - field.maxLength;
  if (cut > 0) setTimeout(() => show(field, cut));  // after the browser has pasted (and cut)
});
