// Correcting a refused record. The outbox page (outbox.js) links a refused record to the page
// it was captured on, with #outbox-edit=<id>: a fragment, so the page is the same request and
// opens offline from the pages cache. There the form is filled from the record, shows the
// server's errors and the kept photos, and saving puts the corrected record back under the
// same id (the server takes it as new). outbox.js loads this module where it is needed.

import { say } from "./app.js";

const Outbox = self.WHOutbox;
const {
  supported, userId, t: pageT, el, errorList, holdingButton, outboxUrl,
  formData, readPhotos, fieldLabels, labelOf, registerBackgroundSync,
} = self.WHOutboxPage || {};

// This module's texts come with the outbox page (sync/outbox.html), not with every page a
// record may be corrected on: from this page if it is the outbox, else from the phone's copy
// of it (the field kit keeps it), else from the server.
const stringsOf = (page) => {
  const table = page.getElementById("outbox-edit-strings");
  return table && JSON.parse(table.textContent);
};
// A copy from before this table came with the page, or the log-in page, has none.
const stringsIn = async (response) => response?.ok
  && stringsOf(new DOMParser().parseFromString(await response.text(), "text/html"));
async function ownStrings() {
  const url = outboxUrl();
  return stringsOf(document) || (url && (
    await stringsIn(await self.caches?.match(url, { ignoreVary: true }))
    // Leaves the flash messages to the page they are for, as the worker's copies do.
    || await stringsIn(await fetch(url, { headers: { "X-Offline-Copy": "1" } }).catch(() => null))));
}
// Without any (an old copy and no server), a word of each rather than its key: in the page's
// language, Chinese unless it is English.
const FALLBACK = document.documentElement.lang === "en" ? {
  edit_title: "Correcting a record",
  edit_hint: "The server did not accept this record: correct it and save.",
  edit_cancel: "Cancel and go back to the outbox", edit_back: "Back to the outbox",
  edit_gone: "This record is no longer in the outbox.",
  edit_busy: "This record is being sent and can no longer be changed.",
  edit_no_form: "This record's form is not on this page.",
  edit_saved: "Correction saved on this phone.",
  kept_photos: "Photos kept", photo_n: "Photo %(n)s", remove_photo: "Remove", keep_photo: "Keep",
} : {
  edit_title: "修改待发送的记录", edit_hint: "服务器未接受这条记录，请您修改后保存。",
  edit_cancel: "取消，返回待发送列表", edit_back: "返回待发送列表",
  edit_gone: "这条记录已不在待发送列表中。", edit_busy: "这条记录正在发送，已不能修改。",
  edit_no_form: "此页面上没有这条记录的表单。", edit_saved: "修改已保存在本机。",
  kept_photos: "已有的照片", photo_n: "照片 %(n)s", remove_photo: "移除", keep_photo: "保留",
};
const own = {
  ...FALLBACK,
  ...(supported && userId ? await ownStrings().catch(() => null) : null),
};
// outbox.js's t fills in the holes of a text it has no name for, as of its own.
const t = (key, values) => pageT(own[key] || key, values);

// Forms that are correcting a record: form -> { record, removed: Set of photo ids }.
const editing = new WeakMap();
const EDIT_HASH = /^#outbox-edit=([0-9a-f-]{36})$/i;
const TOAST_KEY = "outbox-toast";
let editErrorIds = 0;

// The inverse of outbox.js's setPath: the values kept under a form field's name, as strings.
function valuesAt(data, name) {
  let node = data;
  for (const part of name.replace(/\]/g, "").split("[")) {
    if (node === null || typeof node !== "object") return [];
    node = node[part];
  }
  return [].concat(node ?? []).filter((v) => v === null || typeof v !== "object").map(String);
}

// The form that made the record: of its kind and, where a page has several (a hazard's
// follow-ups), the one whose fixed hidden fields say what the record says. An empty hidden
// field fixes nothing: the hazard form takes the round a round's hazard names (patrol_id).
// Nor does a time the page's script stamps (data-outbox-stamp): the round page stamps its
// opening, and a round is corrected there by its area, checklist version and items.
function formFor(record) {
  return [...document.querySelectorAll("form[data-outbox]")].find((form) =>
    form.dataset.outbox === record.kind
    && [...form.querySelectorAll("input[type=hidden][name]")].every((input) =>
      input.name === "csrf_token" || !input.value || input.hasAttribute("data-outbox-stamp")
      || valuesAt(record.data, input.name).includes(input.value)));
}

// A page whose script makes records it has no form for (the round page, its hazards) names
// the page they are corrected on: `data-outbox-fix-<kind>="<url>"`. Records kept before they
// said so themselves (their form_url) are sent on there, and say so from now on.
function fixedElsewhere(record) {
  const attribute = `data-outbox-fix-${record.kind}`;
  const url = document.querySelector(`[${CSS.escape(attribute)}]`)?.getAttribute(attribute);
  return url && url !== location.pathname + location.search ? url : null;
}

function fillForm(form, data) {
  form.reset();
  const filled = new Map();  // name -> how many fields of that name took a value (repeats)
  for (const field of form.elements) {
    const { name, type } = field;
    if (!name || name === "csrf_token" || ["file", "submit", "button", "reset"].includes(type)) {
      continue;
    }
    const values = valuesAt(data, name);
    if (type === "checkbox" || type === "radio") {
      field.checked = values.includes(field.value);
    } else if (field.tagName === "SELECT" && field.multiple) {
      for (const option of field.options) option.selected = values.includes(option.value);
    } else {
      const index = filled.get(name) || 0;
      filled.set(name, index + 1);
      field.value = values[index] ?? "";
    }
  }
}

// Each error beside the field of its name, as the server-rendered forms show them. Returns
// the errors that have no field on this form.
function showFieldErrors(form, errors) {
  const elsewhere = {};
  for (const [name, messages] of Object.entries(errors || {})) {
    const field = [...form.elements].find((f) => f.name === name && f.type !== "hidden");
    const holder = field && (field.closest(".field") || field.parentElement);
    if (!holder) {
      elsewhere[name] = messages;
      continue;
    }
    const id = `outbox-edit-error-${++editErrorIds}`;
    holder.classList.add("has-errors");
    holder.append(el("ul", { class: "errors", id }, ...[].concat(messages).map((m) => el("li", {}, m))));
    field.setAttribute("aria-invalid", "true");
    const described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", described ? `${described} ${id}` : id);
  }
  return elsewhere;
}

// The file input a kept photo was chosen in.
const inputFor = (form, ref) => form.querySelector(ref.item_id
  ? `input[type=file][data-item-id="${CSS.escape(ref.item_id)}"]`
  : "input[type=file]:not([data-item-id])");

// What showFieldErrors said on a form, taken back: the form is sent again, or said again.
function clearFieldErrors(form) {
  for (const list of form.querySelectorAll("[data-outbox-refused], ul.errors[id^=outbox-edit-error-]")) {
    list.parentElement.classList.remove("has-errors");
    list.remove();
  }
  for (const field of form.querySelectorAll("[aria-describedby*=outbox-edit-error-]")) {
    const rest = field.getAttribute("aria-describedby").split(" ")
      .filter((id) => !id.startsWith("outbox-edit-error-")).join(" ");
    field.removeAttribute("aria-invalid");
    if (rest) field.setAttribute("aria-describedby", rest);
    else field.removeAttribute("aria-describedby");
  }
}

// Sent online and refused at once (outbox.js), the person still at the form: it comes back
// as a form posted to the server comes back with its errors — what they typed and the photos
// they chose in place, each error at its field, the others above it — and nothing is kept:
// sending it again makes a new record. Not the correction of a kept record (no notice, no
// way to the outbox): that is for records refused after they waited. The page may take it on
// from `outbox:refused` (the check-in page empties its form for the next person).
export async function refusedHere(form, record) {
  // Records captured with it that name it by its id (a round's hazards) need it to keep that
  // id: it is corrected right here as a kept record is, and sent again under it.
  const named = (await Outbox.list()).some((r) => r.id !== record.id
    && JSON.stringify(r.data).includes(record.id));
  if (named) {
    location.hash = `outbox-edit=${record.id}`;  // outbox.js reloads the page into the correction
    return;
  }
  const files = new Map();
  for (const ref of record.photos) {
    const photo = await Outbox.getPhoto(ref.id);
    const input = inputFor(form, ref);
    if (!photo || !input) continue;
    if (!files.has(input)) files.set(input, new DataTransfer());
    files.get(input).items.add(new File([photo.bytes], `${ref.id}.jpg`, { type: photo.type || "image/jpeg" }));
  }
  await Outbox.remove(record.id);
  clearFieldErrors(form);
  fillForm(form, record.data);
  for (const [input, chosen] of files) {
    input.files = chosen.files;
    input.dispatchEvent(new Event("change"));  // the photo tiles show them again
  }
  const elsewhere = errorList(showFieldErrors(form, record.errors), record.labels);
  if (elsewhere) form.prepend(el("div", { class: "alert alert-error", role: "alert", "data-outbox-refused": "" }, elsewhere));
  form.addEventListener("submit", () => clearFieldErrors(form), { once: true });
  form.dispatchEvent(new CustomEvent("outbox:refused", { detail: record }));
  form.querySelector("[aria-invalid=true]")?.focus({ preventScroll: true });
  (form.querySelector(".has-errors") || form).scrollIntoView({ block: "nearest" });
}

// The record's photos, each beside the file input it was chosen in, with a remove switch.
async function showKeptPhotos(form, edit) {
  const lists = new Map();
  for (const [index, ref] of edit.record.photos.entries()) {
    const photo = await Outbox.getPhoto(ref.id);
    if (!photo) continue;
    const input = inputFor(form, ref);
    if (!input) continue;
    if (!lists.has(input)) {
      const list = el("ul", { class: "outbox-kept-photos", "aria-label": t("kept_photos") });
      input.after(list);
      lists.set(input, list);
    }
    const url = URL.createObjectURL(new Blob([photo.bytes], { type: photo.type || "image/jpeg" }));
    const img = el("img", { src: url, alt: t("photo_n", { n: index + 1 }), width: "96", height: "96" });
    img.addEventListener("load", () => URL.revokeObjectURL(url), { once: true });
    lists.get(input).append(el("li", { "data-photo-id": ref.id }, img,
      el("button", { type: "button", class: "button button-small", "data-outbox-edit-remove": ref.id },
        t("remove_photo"))));
  }
}

function togglePhoto(button) {
  const edit = editing.get(button.closest("form"));
  if (!edit) return;
  const id = button.dataset.outboxEditRemove;
  const removing = !edit.removed.has(id);
  if (removing) edit.removed.add(id);
  else edit.removed.delete(id);
  button.closest("li").classList.toggle("is-removed", removing);
  button.textContent = t(removing ? "keep_photo" : "remove_photo");
}

// The notice at the top of the form (or of the page): what this is, and the way back —
// "cancel" while a correction is under way, "back" once there is nothing to correct.
function editNotice(where, message, { errors = null, labels = {}, way = "edit_back" } = {}) {
  where.querySelector(":scope > [data-outbox-edit]")?.remove();
  const notice = el("div", { class: "alert alert-warn outbox-edit", role: "status", "data-outbox-edit": "" },
    el("p", {}, el("strong", {}, t("edit_title"))),
    el("p", {}, message),
    errorList(errors, labels),
    el("p", {}, el("a", { href: outboxUrl() }, t(way))));
  where.prepend(notice);
  notice.scrollIntoView({ block: "nearest" });
}

async function startEdit() {
  const match = EDIT_HASH.exec(location.hash);
  if (!match) return;
  const main = document.getElementById("main") || document.body;
  const record = await Outbox.get(match[1]);
  if (!record || record.owner !== userId) return editNotice(main, t("edit_gone"));
  if (record.state !== "invalid") return editNotice(main, t("edit_busy"));
  const form = formFor(record);
  const there = !form && fixedElsewhere(record);
  if (there) {
    await Outbox.update(record.id, { form_url: there });
    return location.replace(there + location.hash);
  }
  if (!form) return editNotice(main, t("edit_no_form"));
  form.closest("details")?.setAttribute("open", "");
  fillForm(form, record.data);
  const elsewhere = showFieldErrors(form, record.errors);
  editing.set(form, { record, removed: new Set() });
  await showKeptPhotos(form, editing.get(form));
  editNotice(form, t("edit_hint"), { errors: elsewhere, labels: record.labels, way: "edit_cancel" });
  form.querySelector("[aria-invalid=true]")?.focus({ preventScroll: true });
}

// Same id, new data, the kept photos minus the removed plus the new ones; captured_at and the
// place in the queue stay. The outbox page it goes back to sends it (its load flushes).
async function saveCorrection(form, edit, submitter) {
  const { refs, photos } = await readPhotos(form, edit.record.id);
  // The button pressed is part of the record, as on first capture (a proposal's 提交 vs 存草稿).
  const data = formData(form, submitter);
  const record = {
    ...edit.record,
    data,
    label: labelOf(form, data),
    labels: fieldLabels(form),
    photos: [...edit.record.photos.filter((p) => !edit.removed.has(p.id)), ...refs],
    state: "pending",
    errors: null,
  };
  const outcome = await Outbox.replace(record, photos, [...edit.removed]);
  if (outcome !== "replaced") {
    // Never a new record in its place: the form stays tied to the one it was editing.
    editNotice(form, t(outcome === "gone" ? "edit_gone" : "edit_busy"));
    return;
  }
  registerBackgroundSync();
  if (navigator.onLine && (await sentFromHere(form, record))) return;
  sessionStorage.setItem(TOAST_KEY, t("edit_saved"));
  location.assign(outboxUrl());
}

// Online, the correction is sent from its form: the person lands on what it became ("Sent."),
// or back on the form's page if it says so (`data-outbox-stay`: a check-in page at a door),
// or, refused again, sees the new errors here. Otherwise it goes to the outbox to wait.
async function sentFromHere(form, record) {
  let url = null;
  const heard = (event) => { if (event.detail.record.id === record.id) url = event.detail.url; };
  self.addEventListener("outbox:synced", heard);
  try {
    await Outbox.flush();
    for (let i = 0; i < 20 && !url; i++) await new Promise((wake) => setTimeout(wake, 50));
  } catch (error) {
    return false;
  } finally {
    self.removeEventListener("outbox:synced", heard);
  }
  const still = await Outbox.get(record.id).catch(() => null);
  if (!still && url) {
    sessionStorage.setItem(TOAST_KEY, t("sent"));
    location.assign(form.hasAttribute("data-outbox-stay") ? record.form_url : url);
    return true;
  }
  if (still?.state === "invalid") {
    location.reload();  // the same #outbox-edit: the form opens with the new errors
    return true;
  }
  return false;
}

if (supported && userId) {
  // Before outbox.js's own listener, which leaves a handled submit alone.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    const edit = editing.get(form);
    if (!edit || event.defaultPrevented) return;
    event.preventDefault();
    holdingButton(event, () => saveCorrection(form, edit, event.submitter));
  }, true);
  document.addEventListener("click", (event) => {
    const photoSwitch = event.target.closest("[data-outbox-edit-remove]");
    if (photoSwitch) togglePhoto(photoSwitch);
  });
  // A correction saved on another page says so here, where it is being sent.
  const toast = sessionStorage.getItem(TOAST_KEY);
  if (toast) {
    sessionStorage.removeItem(TOAST_KEY);
    say(toast);
  }
  startEdit();
}
