// Starting points, one tap each: "Same as last" (the school, setting, location and
// classification of the officer's previous entry), and templates, which fill the choices an
// officer repeats ("Lunch duty check-in"); the rest is written fresh. The officer's templates
// and the district's are kept on the phone, so they work offline, and offered most used first
// (counted on this phone). "Save these choices as a template" keeps the form's choices under a
// name, with a connection.
import { api, keepTemplate, keptTemplates, officerId, zone } from "../page.js";
import { snapshot } from "./controls.js";
import { entryToPairs } from "./entry.js";

const OFFERED = 6;  // template buttons shown: the most used
const usesKey = "template-uses:" + officerId;
const SAME_AS_LAST = ["school_id", "setting", "location", "classification"];

/** The form's own pairs, with these fields as in `entry` (a template's, or the last entry's). */
function withFields(view, names, entry) {
  const kept = snapshot(view.form).filter((pair) => names.indexOf(pair[0]) === -1);
  const chosen = {};
  names.forEach((name) => { if (name in entry) chosen[name] = entry[name]; });
  return kept.concat(entryToPairs(chosen, view.schema, zone));
}

function button(view, text, fill) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "chip quick";
  b.textContent = text;
  b.setAttribute("aria-pressed", "false");
  b.addEventListener("click", () => {
    fill();
    b.parentNode.querySelectorAll("button").forEach((other) => other.setAttribute("aria-pressed", String(other === b)));
  });
  return b;
}

/** The officer's previous entry on this phone: the last one waiting, else the last received. */
function lastEntry() {
  return Promise.all([SROOutbox.items(officerId), SROOutbox.serverEntries(officerId)])
    .then(([waiting, stored]) => {
      if (waiting.length) return waiting[waiting.length - 1].contact;
      const latest = stored.reduce((a, b) => (!a || b.received_at > a.received_at ? b : a), null);
      return latest && latest.contact;
    });
}

/**
 * Show the start buttons. With none on the phone yet where the server kept room for some (a
 * first visit: the officer's entries and templates are still on their way), ask again once,
 * after the page's sync; only then give the room back.
 */
function offer(view, templates, uses, last, again) {
  const section = document.getElementById("templates");
  if (!section) return;
  if (!templates.length && !last) {
    if (!section.hidden && again) document.addEventListener("sro:synced", again, { once: true });
    else section.hidden = true;
    return;
  }
  const buttons = templates.slice()
    .sort((a, b) => (uses[b.id] || 0) - (uses[a.id] || 0) || a.name.localeCompare(b.name))
    .slice(0, OFFERED).map((template) => button(view, template.name, () => {
      view.restore(withFields(view, view.schema.templates.fields, template.fields));
      view.entry.template = template.id;
    }));
  if (last) {
    buttons.unshift(button(view, "Same as last", () => {
      view.restore(withFields(view, SAME_AS_LAST, last));
      view.entry.template = null;
    }));
  }
  section.querySelector(".chip-row").replaceChildren(...buttons);
  section.classList.remove("pending");
  section.hidden = false;  // the page may be one kept offline from before there was a start
}

/** Count a template's use on this phone when the entry made from it is saved. */
function countUse(view) {
  return () => {
    if (!view.entry.template) return null;
    return SROOutbox.getMeta(usesKey).then((uses) => {
      uses = uses || {};
      uses[view.entry.template] = (uses[view.entry.template] || 0) + 1;
      return SROOutbox.putMeta(usesKey, uses);
    });
  };
}

/** The choices on the form now, as a template's fields (blank ones left out). */
function chosenFields(view, entry) {
  const fields = {};
  view.schema.templates.fields.forEach((name) => {
    const value = entry[name];
    if (value !== null && value !== undefined && value !== "" && !(Array.isArray(value) && !value.length)) fields[name] = value;
  });
  return fields;
}

function say(status, text, failed) {
  status.textContent = text;
  status.className = failed ? "error" : "hint";
}

/** Wire "Save these choices as a template": posted with a connection, kept for offline use. */
function offerSaving(view, readEntry) {
  const box = document.getElementById("save-template");
  if (!box) return;
  const name = box.querySelector("input"), status = box.querySelector("[role=status]");
  box.hidden = false;
  box.querySelector("button").addEventListener("click", () => {
    if (!navigator.onLine) return say(status, "Templates are saved with a connection. Your entry is kept here.", true);
    const body = { name: name.value, fields: chosenFields(view, readEntry()) };
    fetch(api.session, { credentials: "same-origin" }).then((r) => r.json()).then((session) => fetch(api.templates, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "X-CSRFToken": session.csrf_token, Accept: "application/json" }
    })).then((response) => response.json().then((answer) => {
      if (!response.ok) {
        const messages = [].concat(...Object.values(answer.errors || { x: [answer.message] }));
        return say(status, messages.join(" "), true);
      }
      name.value = "";
      say(status, "Saved as “" + answer.template.name + "”. It is offered at the top of New contact.");
      return keepTemplate(answer.template).then(() => templates(view, null));
    })).catch(() => say(status, "The template could not be saved now; try again with a connection.", true));
  });
}

/**
 * Offer "Same as last", the kept templates and saving new ones; readEntry gives the form's
 * entry now (null: only offer them again, after a template was saved or the page's sync);
 * again: whether to ask once more after the sync if the phone has nothing to offer yet.
 */
export function templates(view, readEntry, again = true) {
  if (readEntry) {
    view.whenSaved.push(countUse(view));
    offerSaving(view, readEntry);
  }
  return Promise.all([keptTemplates(), SROOutbox.getMeta(usesKey), lastEntry()])
    .then(([kept, uses, last]) => offer(view, kept, uses || {}, last, again && (() => templates(view, null, false))));
}
