// Messages beside the fields: the rules' errors and warnings where they belong, a summary above
// the form that links to each error, and notes above the form.

/** A note above the form (class "flash ..."); returns it for an id, a role or a button. */
export function noteAbove(form, className, text) {
  const note = document.createElement("p");
  note.className = className;
  note.textContent = text;
  form.before(note);
  return note;
}

/** Say why the form cannot be saved here, and stop it from posting. */
export function refuseToSave(form, message) {
  noteAbove(form, "flash flash-error", message).setAttribute("role", "alert");
  form.querySelectorAll("button[type=submit], input[type=submit]").forEach((b) => { b.disabled = true; });
  form.addEventListener("submit", (event) => event.preventDefault());
}

function clearMessages(form) {
  form.querySelectorAll(".error, .warning").forEach((el) => el.remove());
  form.querySelectorAll(".has-error").forEach((el) => el.classList.remove("has-error"));
  const summary = document.getElementById("error-summary");
  if (summary) summary.remove();
}

/** The id of the control a message is about: "students.1.grade_band" is the second described. */
function targetId(path, students) {
  const parts = path.split(".");
  if (parts[0] === "students" && parts.length > 1) {
    const block = students.described()[Number(parts[1])] || students.first();
    return "students-" + block.dataset.index + "-" + (parts[2] || "grade_band");
  }
  return path.replace(/\./g, "-");
}

function place(form, students, path, messages, kind) {
  const id = targetId(path, students);
  const anchor = (path === "students" ? students.section.querySelector(".hint") : document.getElementById(id)) ||
    form.querySelector("h2");
  const container = path === "students" ? anchor : (anchor.closest(".field") || anchor);
  if (kind === "error" && container.classList.contains("field")) container.classList.add("has-error");
  messages.forEach((text) => {
    const p = document.createElement("p");
    p.className = kind;
    p.id = id + "-" + kind;
    p.textContent = text;
    if (path === "students") container.after(p); else container.appendChild(p);
  });
  return id;
}

function summaryLead(problems, warned, heading) {
  const lead = document.createElement("p");
  const strong = document.createElement("strong");
  if (problems) {
    strong.textContent = heading || "Nothing was saved yet.";
    lead.append(strong, " Fix " + problems + (problems === 1 ? " thing" : " things") +
      "; everything you typed is kept.");
  } else if (warned) {
    strong.textContent = "Check before saving:";
    lead.append(strong, " the text may identify a student. Edit it and save, or save anyway.");
  } else {
    strong.textContent = heading;
    lead.append(strong);
  }
  return lead;
}

/** Show a verdict ({errors, warnings} by field path) beside the fields, under a summary. */
export function showVerdict(form, students, verdict, heading) {
  clearMessages(form);
  const problems = [];
  Object.keys(verdict.errors).forEach((path) => {
    const id = place(form, students, path, verdict.errors[path], "error");
    verdict.errors[path].forEach((text) => problems.push([id, text]));
  });
  Object.keys(verdict.warnings).forEach((path) => place(form, students, path, verdict.warnings[path], "warning"));
  const summary = document.createElement("div");
  summary.id = "error-summary";
  summary.tabIndex = -1;
  summary.setAttribute("role", "alert");
  summary.className = problems.length ? "summary" : "summary summary-warning";
  summary.appendChild(summaryLead(problems.length, Object.keys(verdict.warnings).length > 0, heading));
  const list = document.createElement("ul");
  problems.forEach(([id, text]) => {
    const li = document.createElement("li"), a = document.createElement("a");
    a.href = "#" + id;
    a.textContent = text;
    li.appendChild(a);
    list.appendChild(li);
  });
  summary.appendChild(list);
  form.before(summary);
  summary.focus();
}
