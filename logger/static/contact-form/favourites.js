// Favourites: the lists of choices an officer taps most put their most used choices first,
// counted on the phone from the officer's own recent entries (waiting and received), so the
// order follows them offline too. Ties keep the rules' order.
import { officerId } from "../page.js";

const ORDERED = ["location", "initiated_by", "mentoring_type", "actions"];
const RECENT = 200;  // entries counted: the latest received, and every one waiting

function recentContacts() {
  return Promise.all([SROOutbox.items(officerId), SROOutbox.serverEntries(officerId)])
    .then(([waiting, stored]) => stored
      .sort((a, b) => (a.received_at < b.received_at ? 1 : -1)).slice(0, RECENT)
      .concat(waiting).map((entry) => entry.contact || {}));
}

function uses(contacts, name) {
  const counts = {};
  contacts.forEach((contact) => [].concat(contact[name] || []).forEach((value) => {
    counts[value] = (counts[value] || 0) + 1;
  }));
  return counts;
}

/** Put each ordered list's most used choices first. */
export function orderByUse(form) {
  return recentContacts().then((contacts) => ORDERED.forEach((name) => {
    const row = form.querySelector("#" + name + " .chip-row");
    if (!row) return;
    const counts = uses(contacts, name);
    const count = (chip) => counts[chip.querySelector("input").value] || 0;
    Array.from(row.children).map((chip, index) => [chip, index])
      .sort((a, b) => count(b[0]) - count(a[0]) || a[1] - b[1])
      .forEach(([chip]) => row.appendChild(chip));
  }));
}
