// Every change is kept on the phone at once, as a draft: a reload, a closed tab or a dead
// battery loses nothing. A draft found when the form opens is restored, and can be discarded.
import { officerId } from "../page.js";
import { snapshot } from "./controls.js";
import { askWhyAmended } from "./editing.js";
import { noteAbove } from "./messages.js";

export function keepDrafts(view) {
  const entry = view.entry;
  function keep() {
    SROOutbox.putDraft({ key: entry.draftKey, officer_id: officerId, fields: snapshot(view.form), saved_at: Date.now(),
      context: { id: entry.id, base_revision: entry.base_revision,
                 amending: entry.amending ? entry.amending.value : null } });
  }
  view.form.addEventListener("input", keep);
  view.form.addEventListener("change", keep);
}

export function offerDraft(view, draft) {
  const note = noteAbove(view.form, "flash flash-info draft-note", "Your unsaved entry was restored. ");
  note.id = "draft-note";
  const discard = document.createElement("button");
  discard.type = "button";
  discard.className = "button secondary small";
  discard.textContent = "Discard it and start over";
  discard.addEventListener("click", () => {
    SROOutbox.deleteDraft(view.entry.draftKey).then(() => location.replace(location.pathname));
  });
  note.appendChild(discard);
  view.restore(draft.fields);
  const kept = draft.context || {};
  if (kept.id) view.entry.id = kept.id;
  if (kept.base_revision) view.entry.base_revision = kept.base_revision;
  if (kept.amending !== null && kept.amending !== undefined) askWhyAmended(view, kept.amending);
}
