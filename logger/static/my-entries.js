// My entries: what waits on this phone (queued, needs attention) above what the server has.
import { urls, zone } from "./page.js";

var section = document.getElementById("on-this-phone");
var list = document.getElementById("local-entries");
if (section && list && window.SROOutbox) myEntries();

function myEntries() {
  var labels = {};

  SROOutbox.getMeta("schema").then(function (schema) {
    (schema ? schema.fields : []).forEach(function (field) {
      (field.choices || []).forEach(function (c) { labels[field.name + ":" + c.value] = c.label; });
    });
  });

  function when(iso) {
    var moment = new Date(iso);
    if (isNaN(moment)) return "Time not set";
    var parts = {};
    new Intl.DateTimeFormat("en-GB", { timeZone: zone, weekday: "short", day: "2-digit", month: "short",
      year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .formatToParts(moment).forEach(function (p) { parts[p.type] = p.value; });
    return parts.weekday + " " + parts.day + " " + parts.month + " " + parts.year + ", " +
      parts.hour + ":" + parts.minute;  // as the server writes it: "Sat 28 Nov 2026, 10:05"
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  var queuedId = new URLSearchParams(location.search).get("queued");
  var note = null;
  var seenWaiting = false;
  var shownItems = [];

  /** After Save: say where the entry is now (on this phone, sent, or needing attention). */
  function tellWhereTheSavedEntryIs(items) {
    if (!queuedId) return;
    var item = items.filter(function (i) { return i.id === queuedId; })[0];
    if (item) seenWaiting = true;
    if (!item && !seenWaiting && !listed(queuedId)) return;  // not this officer's: say nothing
    if (!note) {
      note = element("p", "flash flash-success");
      note.setAttribute("role", "status");
      section.before(note);
    }
    note.textContent = !item ? "Entry saved and sent for review." :
      item.state === "queued" ? "Entry saved on this phone; it is sent as soon as there is a connection." :
      "Entry saved on this phone, but the server could not accept it: see below.";
  }

  function render(items) {
    shownItems = items;
    tellWhereTheSavedEntryIs(items);
    list.replaceChildren();
    items.forEach(function (item) {
      var contact = item.contact || {};
      var li = element("li", "entry local-entry");
      li.dataset.entryId = item.id;
      if (queuedId === item.id) li.classList.add("just-saved");
      var row = element("div", "entry-row");
      row.appendChild(element("span", "when", when(contact.occurred_at)));
      var kind = labels["classification:" + contact.classification] || contact.classification || "";
      row.appendChild(element("span", "what", kind + " · " + (item.school_name || "")));
      var waiting = item.state === "queued";
      row.appendChild(element("span", "status status-" + (waiting ? "queued" : "attention"),
        waiting ? "Waiting to send" : "Needs attention"));
      li.appendChild(row);
      if (!waiting) {
        var problems = element("ul", "problems");
        Object.keys(item.errors || {}).forEach(function (field) {
          item.errors[field].forEach(function (text) { problems.appendChild(element("li", "", text)); });
        });
        if (item.server_status === "conflict") {
          problems.appendChild(element("li", "", "This entry changed on the server since you edited it."));
        }
        li.appendChild(problems);
        var fix = element("a", "button secondary small fix", "Fix and resend");
        fix.href = urls.newContact + "?edit=" + encodeURIComponent(item.id);
        li.appendChild(fix);
        var drop = element("button", "button secondary small fix", "Discard my version");
        drop.type = "button";
        drop.addEventListener("click", function () {
          if (confirm("Discard this entry from the phone? Download the waiting entries first if you may need it.")) {
            SROOutbox.discard(item.id).then(function () { return window.SROApp && SROApp.refreshStrip(); });
          }
        });
        li.appendChild(drop);
      }
      list.appendChild(li);
    });
    section.hidden = items.length === 0;
  }

  function reloadServerEntries() {
    fetch(location.pathname + location.search, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("server-entries");
        if (fresh) document.getElementById("server-entries").replaceWith(fresh);
        tellWhereTheSavedEntryIs(shownItems);  // the saved entry may only now be listed
      })
      .catch(function () { /* offline: keep what is shown */ });
  }

  document.addEventListener("sro:outbox", function (event) { render(event.detail.items); });
  function listed(id) {
    return document.querySelector("#server-entries a[href='" + urls.entry(id) + "']") !== null;
  }

  document.addEventListener("sro:synced", function (event) {
    if (event.detail.accepted || (queuedId && !listed(queuedId))) reloadServerEntries();
  });
}
