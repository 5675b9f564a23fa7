// New contact form, a small enhancement: show each part only when it applies, and one
// student block per student involved. The conditions come from the server's rules
// (data-applies-when / data-required-when, written from logger.rules): no rule lives here.
// Without this script every part shows and the server still checks everything.
(function () {
  "use strict";
  var form = document.getElementById("contact-form");
  if (!form) return;
  var studentsSection = form.querySelector("[data-required-when]");
  var blocks = document.getElementById("student-blocks");
  var countInput = form.elements.namedItem("students_involved");
  var MAX_STUDENTS = Number(countInput && countInput.max) || 50;

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
    return !Array.prototype.some.call(block.querySelectorAll("input"), function (el) {
      return el.checked;
    });
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

  function fitStudentBlocks() {
    var wanted = Math.min(Math.max(parseInt(countInput.value, 10) || 1, 1), MAX_STUDENTS);
    while (blocks.children.length < wanted) addBlock();
    while (blocks.children.length > wanted && isEmpty(blocks.lastElementChild)) {
      blocks.lastElementChild.remove();
    }
  }

  function refresh() {
    form.querySelectorAll("[data-applies-when]").forEach(function (el) {
      el.hidden = !holds(JSON.parse(el.dataset.appliesWhen));
    });
    if (studentsSection && blocks && countInput) {
      var required = holds(JSON.parse(studentsSection.dataset.requiredWhen));
      var untouched = Array.prototype.every.call(blocks.children, isEmpty);
      var shown = required || describing || !untouched;
      blocks.hidden = !shown;
      describeButton.hidden = shown;
      if (shown) fitStudentBlocks();
    }
  }

  // Descriptions are optional without enforcement: offered behind a button, never hidden away.
  var describing = false;
  var describeButton = document.createElement("button");
  describeButton.type = "button";
  describeButton.className = "button secondary";
  describeButton.textContent = "Describe the students (optional)";
  describeButton.addEventListener("click", function () { describing = true; refresh(); });
  if (blocks) blocks.parentNode.insertBefore(describeButton, blocks);

  form.addEventListener("change", refresh);
  if (countInput) countInput.addEventListener("input", refresh);
  refresh();

  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
