// Photo fields made for a phone and a glove: a big camera tile (the back camera opens at
// once), a preview of each photo taken with a button to remove it, and a small "from the
// gallery" choice. Every photo stays in the field's own input (rebuilt with DataTransfer),
// so the outbox and the plain form post read it as before. Without JavaScript the browser's
// own file field is shown.

const strings = JSON.parse(document.getElementById("kit-strings")?.textContent || "{}");
const CAMERA = '<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M4 7h3l2-3h6l2 3h3v13H4z"/><circle cx="12" cy="13" r="4"/></svg>';

function enhance(input) {
  if (input.dataset.photoTiles !== undefined || !input.form) return;
  input.dataset.photoTiles = "";
  const multiple = input.multiple;
  let files = [];
  input.setAttribute("capture", "environment");
  input.classList.add("visually-hidden");
  input.setAttribute("tabindex", "-1");

  const tiles = document.createElement("ul");
  tiles.className = "photo-tiles";
  const take = document.createElement("li");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "photo-take";
  button.innerHTML = CAMERA;
  button.append(strings.photo_take || "Take a photo");
  take.append(button);
  tiles.append(take);

  // The gallery: a second input of its own, outside the form (no name, emptied after each
  // pick), so nothing but the field itself is read as the form's photos.
  const gallery = document.createElement("input");
  gallery.type = "file";
  gallery.accept = input.accept || "image/*";
  gallery.multiple = multiple;
  gallery.className = "visually-hidden";
  gallery.tabIndex = -1;
  gallery.dataset.photoHelper = "";
  const galleryLink = document.createElement("button");
  galleryLink.type = "button";
  galleryLink.className = "button button-small photo-gallery";
  galleryLink.textContent = strings.photo_gallery || "From the gallery";
  input.after(tiles, galleryLink);
  document.body.append(gallery);

  const sync = () => {
    const transfer = new DataTransfer();
    for (const file of files) transfer.items.add(file);
    input.files = transfer.files;
    for (const old of tiles.querySelectorAll("li.photo-preview")) {
      URL.revokeObjectURL(old.querySelector("img").src);
      old.remove();
    }
    files.forEach((file, index) => {
      const li = document.createElement("li");
      li.className = "photo-preview";
      const img = document.createElement("img");
      img.src = URL.createObjectURL(file);
      img.alt = file.name;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "photo-remove";
      remove.textContent = "×";
      remove.setAttribute("aria-label", `${strings.photo_remove || "Remove"} ${index + 1}`);
      remove.addEventListener("click", () => { files.splice(index, 1); sync(); });
      li.append(img, remove);
      take.before(li);
    });
    take.hidden = !multiple && files.length > 0;
  };
  const add = (picked) => {
    files = multiple ? files.concat([...picked]) : [...picked].slice(0, 1);
    sync();
  };
  input.addEventListener("change", () => {
    // A pick replaces the input's files: the ones kept before are added back.
    const picked = [...input.files].filter((file) => !files.includes(file));
    add(picked);
  });
  gallery.addEventListener("change", () => { add(gallery.files); gallery.value = ""; });
  button.addEventListener("click", () => input.click());
  galleryLink.addEventListener("click", () => gallery.click());
  input.form.addEventListener("reset", () => { files = []; setTimeout(sync); });
}

// A photo field says so: every type it accepts is a picture. A field that takes a roster, a
// PDF or any file stays the browser's own, which opens the phone's file picker.
function takesPhotosOnly(input) {
  const types = (input.getAttribute("accept") || "").split(",").map((t) => t.trim()).filter(Boolean);
  return types.length > 0 && types.every((t) => t.startsWith("image/"));
}

function enhanceAll(root = document) {
  for (const input of root.querySelectorAll("input[type=file]:not([data-photo-helper])")) {
    if (takesPhotosOnly(input)) enhance(input);
  }
}

enhanceAll();
document.addEventListener("htmx:load", (event) => enhanceAll(event.target));
