// New contact form, enhanced. Without this script every part shows, the form posts to the
// server, and the server checks everything. With it:
// - each part shows only when the rules' own conditions (data-applies-when) say it applies;
// - every change is kept as a draft on the phone, so a reload or a closed tab loses nothing;
// - Save checks the entry with the cached rules (rules.js), gives it its id and puts it in
//   the outbox, from where it is sent, online or not; entries that need attention reopen here.
(function () {
  "use strict";
  var form = document.getElementById("contact-form");
  if (!form) return;
  var officerId = Number(document.body.dataset.officerId);
  var zone = document.body.dataset.timezone;
  var studentsSection = form.querySelector("[data-required-when]");
  var blocks = document.getElementById("student-blocks");
  var countInput = form.elements.namedItem("students_involved");
  var MAX_STUDENTS = Number(countInput && countInput.max) || 50;
  var editing = new URLSearchParams(location.search).get("edit");
  var draftKey = officerId + ":" + (editing || "new");
  var context = { id: editing, base_revision: 0, amendment_explanation: null };

  // ---- what applies -------------------------------------------------------------------

  function chosen(name) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name === name && (el.type !== "checkbox" && el.type !== "radio" || el.checked);
    }).map(function (el) { return el.value; });
  }

  function holds(condition) {
    var values = chosen(condition.field);
    if ("equals" in condition) return values.indexOf(condition.equals) !== -1;
    return values.some(function (v) { return condition.has_any.indexOf(v) !== -1; });
  }

  function isEmpty(block) {
    return !Array.prototype.some.call(block.querySelectorAll("input"), function (el) { return el.checked; });
  }

  function renumber(block, index) {
    block.dataset.index = String(index);
    block.querySelector("legend").textContent = "Student " + (index + 1);
    block.querySelectorAll("[id],[name],[for],[aria-describedby]").forEach(function (el) {
      ["id", "name", "for", "aria-describedby"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) el.setAttribute(attr, value.replace(/students-\d+-/g, "students-" + index + "-"));
      });
    });
  }

  function addBlock() {
    var copy = blocks.lastElementChild.cloneNode(true);
    copy.querySelectorAll("input").forEach(function (el) { el.checked = false; });
    copy.querySelectorAll(".error, .warning").forEach(function (el) { el.remove(); });
    copy.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
    renumber(copy, blocks.children.length);
    blocks.appendChild(copy);
  }

  function fitStudentBlocks(wanted) {
    wanted = Math.min(Math.max(wanted || parseInt(countInput.value, 10) || 1, 1), MAX_STUDENTS);
    while (blocks.children.length < wanted) addBlock();
    while (blocks.children.length > wanted && isEmpty(blocks.lastElementChild)) blocks.lastElementChild.remove();
  }

  // Descriptions are optional without enforcement: offered behind a button, never hidden away.
  var describing = false;
  var describeButton = document.createElement("button");
  describeButton.type = "button";
  describeButton.className = "button secondary";
  describeButton.textContent = "Describe the students (optional)";
  describeButton.addEventListener("click", function () { describing = true; refresh(); });
  if (blocks) blocks.parentNode.insertBefore(describeButton, blocks);

  function refresh() {
    form.querySelectorAll("[data-applies-when]").forEach(function (el) {
      el.hidden = !holds(JSON.parse(el.dataset.appliesWhen));
    });
    if (studentsSection && blocks && countInput) {
      var required = holds(JSON.parse(studentsSection.dataset.requiredWhen));
      var shown = required || describing || !Array.prototype.every.call(blocks.children, isEmpty);
      blocks.hidden = !shown;
      describeButton.hidden = shown;
      if (shown) fitStudentBlocks();
    }
  }

  // ---- the form as an entry, and back ---------------------------------------------------

  function one(name) {
    var values = chosen(name);
    return values.length ? values[0] : null;
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function zoneOffsetMinutes(utcMs) {
    var parts = {};
    new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric",
      month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
      .formatToParts(new Date(utcMs)).forEach(function (p) { parts[p.type] = Number(p.value); });
    var wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
    return Math.round((wall - utcMs) / 60000);
  }

  /** "2026-11-28T09:05" in the district's zone, as ISO 8601 with its offset. */
  function localToIso(text) {
    var m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)$/.exec(text || "");
    if (!m) return text || "";
    var wall = Date.UTC(+m[1], m[2] - 1, +m[3], +m[4], +m[5]);
    var offset = zoneOffsetMinutes(wall - zoneOffsetMinutes(wall) * 60000);
    var abs = Math.abs(offset);
    return text + ":00" + (offset < 0 ? "-" : "+") + pad(Math.floor(abs / 60)) + ":" + pad(abs % 60);
  }

  function isoToLocal(iso) {
    var ms = Date.parse(iso);
    if (isNaN(ms)) return "";
    var local = new Date(ms + zoneOffsetMinutes(ms) * 60000);
    return local.toISOString().slice(0, 16);
  }

  function newId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x < 16 ? "0" : "") + x.toString(16); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function yesNo(value) { return value === "yes" ? true : value === "no" ? false : null; }

  /** The entry as the sync API carries it: the same shape the server's form builds. */
  function collect() {
    var students = [];
    Array.prototype.forEach.call(blocks ? blocks.children : [], function (block) {
      if (isEmpty(block)) return;
      var i = block.dataset.index;
      students.push({
        grade_band: one("students-" + i + "-grade_band"),
        perceived_race: chosen("students-" + i + "-perceived_race"),
        perceived_gender: one("students-" + i + "-perceived_gender"),
        perceived_disability: form.elements.namedItem("students-" + i + "-perceived_disability").checked
      });
    });
    return {
      occurred_at: localToIso(one("occurred_at")), school_id: one("school_id"),
      location: one("location"), initiated_by: one("initiated_by"),
      classification: one("classification"), school_rule: one("school_rule"),
      involvement_reason: one("involvement_reason"), offense_category: one("offense_category"),
      mentoring_type: one("mentoring_type"), students_involved: one("students_involved"),
      actions: chosen("actions"), force_types: chosen("force_types"),
      justification: {
        basis: one("justification-basis"),
        alternatives_tried: chosen("justification-alternatives_tried"),
        why_last_resort: one("justification-why_last_resort"),
        injuries: one("justification-injuries"),
        supervisor_notified: yesNo(one("justification-supervisor_notified"))
      },
      students: students, narrative: one("narrative")
    };
  }

  /** [name, value] pairs of everything typed or ticked: a draft. */
  function snapshot() {
    var pairs = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.type === "submit") return;
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
      pairs.push([el.name, el.value]);
    });
    return pairs;
  }

  function restore(pairs) {
    var highest = 0;
    pairs.forEach(function (p) {
      var m = /^students-(\d+)-/.exec(p[0]);
      if (m) highest = Math.max(highest, Number(m[1]) + 1);
    });
    if (highest) { describing = true; fitStudentBlocks(highest); }
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.type === "submit") return;
      var mine = pairs.filter(function (p) { return p[0] === el.name; });
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = mine.some(function (p) { return p[1] === el.value; });
      } else {
        el.value = mine.length ? mine[0][1] : "";
      }
    });
    refresh();
  }

  function entryToPairs(entry) {
    var pairs = [];
    function add(name, value) {
      if (value === null || value === undefined) return;
      [].concat(value).forEach(function (v) { pairs.push([name, String(v)]); });
    }
    Object.keys(entry).forEach(function (key) {
      if (["justification", "students", "occurred_at"].indexOf(key) === -1) add(key, entry[key]);
    });
    add("occurred_at", isoToLocal(entry.occurred_at));
    var j = entry.justification || {};
    Object.keys(j).forEach(function (key) {
      var value = j[key];
      if (key === "supervisor_notified") value = value === true ? "yes" : value === false ? "no" : null;
      add("justification-" + key, value);
    });
    (entry.students || []).forEach(function (s, i) {
      Object.keys(s).forEach(function (key) {
        if (key === "perceived_disability") { if (s[key]) add("students-" + i + "-" + key, "y"); }
        else add("students-" + i + "-" + key, s[key]);
      });
    });
    return pairs;
  }

  // ---- messages beside the fields -------------------------------------------------------

  function clearMessages() {
    form.querySelectorAll(".error, .warning").forEach(function (el) { el.remove(); });
    form.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
    var summary = document.getElementById("error-summary");
    if (summary) summary.remove();
  }

  function targetId(path) {
    var parts = path.split(".");
    if (parts[0] === "students" && parts.length > 1) {
      var described = Array.prototype.filter.call(blocks.children, function (b) { return !isEmpty(b); });
      var block = described[Number(parts[1])] || blocks.children[0];
      return "students-" + block.dataset.index + "-" + (parts[2] || "grade_band");
    }
    return path.replace(/\./g, "-");
  }

  function place(path, messages, kind) {
    var id = targetId(path);
    var anchor = path === "students" ? studentsSection.querySelector(".hint") : document.getElementById(id);
    if (!anchor) anchor = form.querySelector("h2");
    var container = path === "students" ? anchor : (anchor.closest(".field") || anchor);
    if (kind === "error" && container.classList.contains("field")) container.classList.add("has-error");
    messages.forEach(function (text) {
      var p = document.createElement("p");
      p.className = kind;
      p.id = id + "-" + kind;
      p.textContent = text;
      if (path === "students") container.after(p); else container.appendChild(p);
    });
    return id;
  }

  function showVerdict(verdict, heading) {
    clearMessages();
    var problems = [];
    Object.keys(verdict.errors).forEach(function (path) {
      var id = place(path, verdict.errors[path], "error");
      verdict.errors[path].forEach(function (text) { problems.push([id, text]); });
    });
    Object.keys(verdict.warnings).forEach(function (path) { place(path, verdict.warnings[path], "warning"); });
    var summary = document.createElement("div");
    summary.id = "error-summary";
    summary.tabIndex = -1;
    summary.setAttribute("role", "alert");
    var lead = document.createElement("p");
    var strong = document.createElement("strong");
    if (problems.length) {
      summary.className = "summary";
      strong.textContent = heading || "Nothing was saved yet.";
      lead.append(strong, " Fix " + problems.length + (problems.length === 1 ? " thing" : " things") +
        "; everything you typed is kept.");
    } else if (Object.keys(verdict.warnings).length) {
      summary.className = "summary summary-warning";
      strong.textContent = "Check before saving:";
      lead.append(strong, " the text may identify a student. Edit it and save, or save anyway.");
    } else {
      summary.className = "summary summary-warning";
      strong.textContent = heading;
      lead.append(strong);
    }
    summary.appendChild(lead);
    var list = document.createElement("ul");
    problems.forEach(function (p) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = "#" + p[0];
      a.textContent = p[1];
      li.appendChild(a);
      list.appendChild(li);
    });
    summary.appendChild(list);
    form.before(summary);
    summary.focus();
  }

  // ---- saving to the outbox -------------------------------------------------------------

  var saving = false;
  var pressed = null;  // the button that submitted (event.submitter is missing before iOS 15.4)

  function saveAnywayButton() {
    var existing = form.querySelector("[name='save_anyway']");
    if (existing) return existing;
    var button = document.createElement("button");
    button.type = "submit";
    button.name = "save_anyway";
    button.className = "button secondary";
    button.textContent = "Save anyway";
    form.querySelector(".savebar").appendChild(button);
    return button;
  }

  function assignedSchools() {
    return Array.prototype.map.call(form.elements.namedItem("school_id").options, function (o) {
      return Number(o.value);
    });
  }

  function schoolName(id) {
    var option = form.querySelector("#school_id option[value='" + id + "']");
    return option ? option.textContent : "";
  }

  function queueEntry(schema, event) {
    event.preventDefault();
    if (saving) return;  // a double tap saves once
    var entry = collect();
    var confirmed = pressed === "save_anyway";
    pressed = null;
    var verdict = SRORules.check(schema, entry, assignedSchools(), Date.now());
    if (context.amending) {
      context.amendment_explanation = context.amending.value;
      var amendmentErrors = SRORules.checkAmendment(schema, context.amending.value);
      Object.keys(amendmentErrors).forEach(function (k) { verdict.errors[k] = amendmentErrors[k]; });
    }
    if (Object.keys(verdict.errors).length || (Object.keys(verdict.warnings).length && !confirmed)) {
      showVerdict(verdict);
      if (!Object.keys(verdict.errors).length) saveAnywayButton();
      return;
    }
    saving = true;
    var item = { id: context.id, officer_id: officerId,
      base_revision: context.base_revision, contact: entry, school_name: schoolName(entry.school_id) };
    if (context.amendment_explanation) item.amendment_explanation = context.amendment_explanation;
    SROOutbox.queue(item)
      .then(function () { return SROOutbox.deleteDraft(draftKey); })
      .then(function () {
        if (navigator.serviceWorker && navigator.serviceWorker.ready) {
          navigator.serviceWorker.ready.then(function (r) { if (r.sync) r.sync.register("sro-outbox"); })
            .catch(function () { /* no Background Sync: the pages retry by themselves */ });
        }
        location.href = "/entries?queued=" + encodeURIComponent(item.id);
      });
  }

  /** Every change is written at once: a closed tab or a dead battery loses nothing. */
  function keepDraft() {
    SROOutbox.putDraft({ key: draftKey, officer_id: officerId, fields: snapshot(), saved_at: Date.now(),
      context: { id: context.id, base_revision: context.base_revision,
                 amending: context.amending ? context.amending.value : null } });
  }

  function offerDraft(draft) {
    var note = document.createElement("p");
    note.className = "flash flash-info draft-note";
    note.id = "draft-note";
    note.textContent = "Your unsaved entry was restored. ";
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "button secondary small";
    discard.textContent = "Discard it and start over";
    discard.addEventListener("click", function () {
      SROOutbox.deleteDraft(draftKey).then(function () { location.replace(location.pathname); });
    });
    note.appendChild(discard);
    form.before(note);
    restore(draft.fields);
    var kept = draft.context || {};
    if (kept.id) context.id = kept.id;
    if (kept.base_revision) context.base_revision = kept.base_revision;
    if (kept.amending !== null && kept.amending !== undefined) {
      askWhyAmended();
      context.amending.value = kept.amending;
    }
  }

  /** Open an entry from this phone (needs attention, waiting) or from the server (returned). */
  function openForEditing() {
    return SROOutbox.getItem(editing).then(function (item) {
      if (item && item.officer_id === officerId) return { item: item };
      return SROOutbox.getServerEntry(editing).then(function (entry) {
        return entry && entry.officer_id === officerId ? { entry: entry } : null;
      });
    }).then(function (found) {
      if (!found) return false;
      document.querySelector("h1").textContent = "Fix entry";
      if (found.item) {
        context.base_revision = found.item.base_revision || 0;
        restore(entryToPairs(found.item.contact));
        if (found.item.amendment_explanation) {
          askWhyAmended();
          context.amending.value = found.item.amendment_explanation;
        }
        if (found.item.state === "attention" && found.item.server_status === "conflict" && found.item.revision) {
          context.base_revision = found.item.revision;
          showVerdict({ errors: {}, warnings: {} }, "This entry changed on the server (it is at revision " +
            found.item.revision + " now). Check it, then save to send yours as a change to that revision.");
        } else if (found.item.state === "attention") {
          showVerdict({ errors: found.item.errors || {}, warnings: {} }, "The server could not accept this entry.");
        }
      } else {
        context.base_revision = found.entry.revision;
        restore(entryToPairs(found.entry.contact));
        if (found.entry.status === "approved") askWhyAmended();
        var review = found.entry.review;
        if (review && review.decision === "return" && review.comment) {
          var note = document.createElement("p");
          note.className = "flash flash-error";
          note.id = "review-comment";
          note.textContent = "Returned by your supervisor: “" + review.comment + "”";
          form.before(note);
        }
      }
      return true;
    });
  }

  /** An approved entry changes only as an amendment, with the reason written down. */
  function askWhyAmended() {
    var spec = activeSchema.amendment;
    document.querySelector("h1").textContent = "Amend approved entry";
    var field = document.createElement("div");
    field.className = "field";
    field.innerHTML = '<label for="amendment_explanation"></label><p class="hint" id="amendment_explanation-hint"></p>' +
      '<textarea id="amendment_explanation" rows="3" aria-describedby="amendment_explanation-hint"></textarea>';
    field.querySelector("label").textContent = spec.label;
    field.querySelector(".hint").textContent =
      "The approved version stays on record; this one goes back to your supervisor.";
    field.querySelector("textarea").maxLength = spec.max_length;
    var section = document.createElement("section");
    section.appendChild(field);
    form.querySelector("section").before(section);
    context.amending = field.querySelector("textarea");
  }

  var activeSchema = null;

  function refuseToSave(message) {
    var note = document.createElement("p");
    note.className = "flash flash-error";
    note.setAttribute("role", "alert");
    note.textContent = message;
    form.before(note);
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) { b.disabled = true; });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
  }

  function start(schema) {
    activeSchema = schema;
    if (!schema || !window.SRORules || !window.crypto || !crypto.getRandomValues || !officerId) return;
    SROOutbox.getMeta("signed-in").then(function (signedIn) {
      if (signedIn && signedIn !== officerId) {
        return refuseToSave("This page belongs to an officer who is no longer signed in on this phone. " +
          "Sign in to log contacts.");
      }
      context.id = editing || newId();
      form.addEventListener("click", function (event) { pressed = event.target.name || null; });
      form.addEventListener("submit", function (event) { queueEntry(schema, event); });
      form.addEventListener("input", keepDraft);
      form.addEventListener("change", keepDraft);
      return SROOutbox.getDraft(draftKey).then(function (draft) {
        if (draft) return offerDraft(draft);
        if (editing) {
          return openForEditing().then(function (found) {
            if (!found) {
              refuseToSave("This entry is not on this phone yet. Open My entries with a connection, " +
                "then try again.");
            }
          });
        }
      });
    });
  }

  // Back to a page the browser kept in memory: start fresh, so a new save gets a new id.
  window.addEventListener("pageshow", function (event) { if (event.persisted) location.reload(); });

  form.addEventListener("change", refresh);
  if (countInput) countInput.addEventListener("input", refresh);
  refresh();
  var serverSummary = document.getElementById("error-summary");
  if (serverSummary) serverSummary.focus();

  // The offline path needs the rules: cached on an earlier visit, or fetched now.
  if (window.SROOutbox && !serverSummary) {
    SROOutbox.getMeta("schema").then(function (schema) {
      if (schema || !navigator.onLine) return schema;
      return fetch("/api/v1/schema", { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (fresh) { return fresh && SROOutbox.putMeta("schema", fresh).then(function () { return fresh; }); });
    }).then(start, function () { /* no store: the form posts to the server as without script */ });
  }
})();
