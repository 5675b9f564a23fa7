// Each part of the form shows only when it applies, by the rules' own conditions that the page
// carries (data-applies-when; data-required-when for the students), tested on what is ticked.
import { chosen } from "./controls.js";

/** Whether a condition ({field, equals}, {field, in} or {field, has_any}) holds for what the
 * form shows. */
function holds(form, condition) {
  const values = chosen(form, condition.field);
  if ("equals" in condition) return values.indexOf(condition.equals) !== -1;
  return values.some((v) => (condition.in || condition.has_any).indexOf(v) !== -1);
}

/** Hide what does not apply now; show the students when they must be described. */
export function showWhatApplies(form, students) {
  form.querySelectorAll("[data-applies-when]").forEach((el) => {
    el.hidden = !holds(form, JSON.parse(el.dataset.appliesWhen));
  });
  if (students.requiredWhen) students.show(holds(form, students.requiredWhen));
}
