// Opening an entry again: one on this phone (needs attention, or waiting) or one the server
// returned. An approved entry changes only as an amendment, with the reason written down.
import { officerId, zone } from "../page.js";
import { entryToPairs } from "./entry.js";
import { noteAbove, showVerdict } from "./messages.js";

function retitle(text) { document.querySelector("h1").textContent = text; }

/** Ask why an approved entry is amended, above the form's first part (reason: what was typed). */
export function askWhyAmended(view, reason) {
  const spec = view.schema.amendment;
  retitle("Amend approved entry");
  const field = document.createElement("div");
  field.className = "field";
  field.innerHTML = '<label for="amendment_explanation"></label><p class="hint" id="amendment_explanation-hint"></p>' +
    '<textarea id="amendment_explanation" rows="3" aria-describedby="amendment_explanation-hint"></textarea>';
  field.querySelector("label").textContent = spec.label;
  field.querySelector(".hint").textContent =
    "The approved version stays on record; this one goes back to your supervisor.";
  field.querySelector("textarea").maxLength = spec.max_length;
  const section = document.createElement("section");
  section.appendChild(field);
  view.form.querySelector("section").before(section);
  view.entry.amending = field.querySelector("textarea");
  if (reason !== undefined) view.entry.amending.value = reason;
}

/** This officer's entry with that id: from the outbox ({item}) or the server's copy ({entry}). */
function find(id) {
  return SROOutbox.getItem(id).then((item) => {
    if (item && item.officer_id === officerId) return { item: item };
    return SROOutbox.getServerEntry(id).then((entry) => (
      entry && entry.officer_id === officerId ? { entry: entry } : null));
  });
}

function reopenItem(view, item) {
  view.entry.base_revision = item.base_revision || 0;
  view.restore(entryToPairs(item.contact, view.schema, zone));
  if (item.amendment_explanation) askWhyAmended(view, item.amendment_explanation);
  if (item.state !== "attention") return;
  if (item.server_status === "conflict" && item.revision) {
    view.entry.base_revision = item.revision;
    showVerdict(view.form, view.students, { errors: {}, warnings: {} }, "This entry changed on the server " +
      "(it is at revision " + item.revision + " now). Check it, then save to send yours as a change to that revision.");
  } else {
    showVerdict(view.form, view.students, { errors: item.errors || {}, warnings: {} },
      "The server could not accept this entry.");
  }
}

/**
 * Name what the current data dictionary asks of an entry recorded under an older one: the
 * fields the rules find missing that came in a later version (the same list as the server's).
 */
function sayWhatIsNewlyAsked(view, entry) {
  const schema = view.schema, version = entry.dictionary_version || schema.dictionary.version;
  if (version >= schema.dictionary.version) return;
  const errors = SRORules.check(schema, entry.contact, [entry.contact.school_id], Date.now()).errors;
  const labels = schema.fields.filter((spec) => (spec.since || 1) > version && spec.name in errors)
    .map((spec) => spec.label);
  if (!labels.length) return;
  noteAbove(view.form, "flash flash-info", "This entry was recorded under version " + version +
    " of the data dictionary. To save a change, also record: " + labels.join(", ") + ".").id = "newly-required";
}

function reopenServerEntry(view, entry) {
  view.entry.base_revision = entry.revision;
  sayWhatIsNewlyAsked(view, entry);
  view.restore(entryToPairs(entry.contact, view.schema, zone));
  if (entry.status === "approved") askWhyAmended(view);
  const review = entry.review;
  if (review && review.decision === "return" && review.comment) {
    noteAbove(view.form, "flash flash-error", "Returned by your supervisor: “" + review.comment + "”")
      .id = "review-comment";
  }
}

/** Show the entry being fixed; resolves false when this phone does not have it. */
export function openForEditing(view, id) {
  return find(id).then((found) => {
    if (!found) return false;
    retitle("Fix entry");
    if (found.item) reopenItem(view, found.item); else reopenServerEntry(view, found.entry);
    return true;
  });
}
