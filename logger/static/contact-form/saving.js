// Save: the entry is checked with the rules kept on the phone (rules.js), then put in the
// outbox with its id, from where it is sent, online or not. A double tap saves once; a warning
// is saved only with "Save anyway".
import { officerId, urls, zone } from "../page.js";
import { formToEntry } from "./entry.js";
import { showVerdict } from "./messages.js";

/** A random (version 4) UUID: the entry's id from the moment it is saved on the phone. */
export function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => (x < 16 ? "0" : "") + x.toString(16)).join("");
  return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
}

function saveAnywayButton(form) {
  if (form.querySelector("[name='save_anyway']")) return;
  const button = document.createElement("button");
  button.type = "submit";
  button.name = "save_anyway";
  button.className = "button secondary";
  button.textContent = "Save anyway";
  form.querySelector(".savebar").appendChild(button);
}

function assignedSchools(form) {
  return Array.from(form.elements.namedItem("school_id").options, (o) => Number(o.value));
}

function schoolName(form, id) {
  const option = form.querySelector("#school_id option[value='" + id + "']");
  return option ? option.textContent : "";
}

/** The rules' verdict on the entry, with the amendment's reason when one is asked for. */
function check(view, entry) {
  const verdict = SRORules.check(view.schema, entry, assignedSchools(view.form), Date.now());
  if (view.entry.amending) {
    const errors = SRORules.checkAmendment(view.schema, view.entry.amending.value);
    Object.keys(errors).forEach((k) => { verdict.errors[k] = errors[k]; });
  }
  return verdict;
}

function askForBackgroundSync() {
  if (navigator.serviceWorker && navigator.serviceWorker.ready) {
    navigator.serviceWorker.ready.then((r) => { if (r.sync) r.sync.register("sro-outbox"); })
      .catch(() => { /* no Background Sync: the pages retry by themselves */ });
  }
}

/** Save to the outbox instead of posting the form; then on to My entries. */
export function saveToOutbox(view) {
  const form = view.form;
  let saving = false;
  let pressed = null;  // the button that submitted (event.submitter is missing before iOS 15.4)
  form.addEventListener("click", (event) => { pressed = event.target.name || null; });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (saving) return;  // a double tap saves once
    const entry = formToEntry(form, view.schema, zone, view.students.described().map((b) => b.dataset.index));
    const confirmed = pressed === "save_anyway";
    pressed = null;
    const verdict = check(view, entry);
    const errors = Object.keys(verdict.errors).length, warnings = Object.keys(verdict.warnings).length;
    if (errors || (warnings && !confirmed)) {
      showVerdict(form, view.students, verdict);
      if (!errors) saveAnywayButton(form);
      return;
    }
    saving = true;
    const item = { id: view.entry.id, officer_id: officerId, base_revision: view.entry.base_revision,
      contact: entry, school_name: schoolName(form, entry.school_id) };
    if (view.entry.openedAt) {  // a new entry: how long it took, and whether from a template
      item.timing = { seconds: Math.max(1, Math.round((Date.now() - view.entry.openedAt) / 1000)),
        template_used: Boolean(view.entry.template) };
    }
    const explanation = view.entry.amending && view.entry.amending.value;
    if (explanation) item.amendment_explanation = explanation;
    SROOutbox.queue(item)
      .then(() => SROOutbox.deleteDraft(view.entry.draftKey))
      .then(() => Promise.all(view.whenSaved.map((saved) => saved(item))))
      .then(() => {
        askForBackgroundSync();
        location.href = urls.myEntries + "?queued=" + encodeURIComponent(item.id);
      });
  });
}
