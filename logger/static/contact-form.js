// New contact form, enhanced. Without this script every part shows, the form posts to the
// server, and the server checks everything. With it:
// - each part shows only when the rules' own conditions (data-applies-when) say it applies;
// - usual minutes take one tap, and the setting follows the location where that is certain;
// - a template fills the choices an officer repeats with one tap (kept on the phone), and the
//   officer's most used choices come first;
// - every change is kept as a draft on the phone, so a reload or a closed tab loses nothing;
// - Save checks the entry with the cached rules (rules.js), gives it its id and puts it in
//   the outbox, from where it is sent, online or not; entries that need attention reopen here.
// This module wires the parts, each in contact-form/, to one form and the entry it holds.
import { loadSchema, officerId, zone } from "./page.js";
import { fill } from "./contact-form/controls.js";
import { keepDrafts, offerDraft } from "./contact-form/drafts.js";
import { orderByUse } from "./contact-form/favourites.js";
import { openForEditing } from "./contact-form/editing.js";
import { formToEntry, studentsIn } from "./contact-form/entry.js";
import { refuseToSave } from "./contact-form/messages.js";
import { newId, saveToOutbox } from "./contact-form/saving.js";
import { showWhatApplies } from "./contact-form/sections.js";
import { shortcuts } from "./contact-form/shortcuts.js";
import { templates } from "./contact-form/templates.js";
import { studentBlocks } from "./contact-form/students.js";

const form = document.getElementById("contact-form");
if (form) enhance(form);

function enhance(form) {
  const editing = new URLSearchParams(location.search).get("edit");
  const students = studentBlocks(form, refresh);
  const catchUp = shortcuts(form);
  /** What the parts share: the form, the rules once they are known, and the entry being written. */
  const view = {
    form: form,
    students: students,
    schema: null,
    entry: { id: editing, base_revision: 0, amending: null, template: null,
      openedAt: editing ? null : Date.now(),  // timed from opening the form (durations only)
      draftKey: officerId + ":" + (editing || "new") },
    restore: restore,
    whenSaved: []  // each called with the saved item before leaving the page
  };

  /** The entry the form holds now, as the sync API carries it. */
  function readEntry() {
    return formToEntry(form, view.schema, zone, students.described().map((b) => b.dataset.index));
  }

  function refresh() {
    catchUp();
    showWhatApplies(form, students);
  }

  /** Show these [name, value] pairs (a draft, or an entry), with a block for each student in them. */
  function restore(pairs) {
    const described = studentsIn(pairs);
    if (described) students.describe(described);
    fill(form, pairs);
    refresh();
  }

  function start(schema) {
    view.schema = schema;
    if (!schema || !window.SRORules || !window.crypto || !crypto.getRandomValues || !officerId) return;
    SROOutbox.getMeta("signed-in").then((signedIn) => {
      if (signedIn && signedIn !== officerId) {
        return refuseToSave(form, "This page belongs to an officer who is no longer signed in on this phone. " +
          "Sign in to log contacts.");
      }
      view.entry.id = editing || newId();
      saveToOutbox(view);
      keepDrafts(view);
      if (!editing) {
        templates(view, readEntry);
        orderByUse(form);
      }
      return SROOutbox.getDraft(view.entry.draftKey).then((draft) => {
        if (draft) return offerDraft(view, draft);
        if (!editing) return;
        return openForEditing(view, editing).then((found) => {
          if (!found) {
            refuseToSave(form, "This entry is not on this phone yet. Open My entries with a connection, " +
              "then try again.");
          }
        });
      });
    }).finally(() => { form.dataset.ready = "true"; });  // a draft or the entry is in: tests wait on it
  }

  // Back to a page the browser kept in memory: start fresh, so a new save gets a new id.
  window.addEventListener("pageshow", (event) => { if (event.persisted) location.reload(); });

  form.addEventListener("change", refresh);
  const count = form.elements.namedItem("students_involved");
  if (count) count.addEventListener("input", refresh);
  refresh();
  const serverSummary = document.getElementById("error-summary");
  if (serverSummary) serverSummary.focus();

  // The offline path needs the rules: kept on an earlier visit, or fetched now.
  if (window.SROOutbox && !serverSummary) {
    loadSchema().then(start, () => { /* no store: the form posts to the server as without script */ });
  }
}
