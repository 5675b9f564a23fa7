// The form's named controls as values: what is ticked, chosen or typed under a name, and every
// control's value as [name, value] pairs (a draft) to put back later.

const YES = "yes", NO = "no";  // a yes-or-no question asked with two radios

function ticks(el) { return el.type === "checkbox" || el.type === "radio"; }

/** What the officer can change: named controls, not the hidden ones nor the buttons. */
function editable(el) { return el.name && el.type !== "hidden" && el.type !== "submit"; }

/** Every value given under a name: the ticked boxes, or the control's value. */
export function chosen(form, name) {
  return Array.from(form.elements)
    .filter((el) => el.name === name && (!ticks(el) || el.checked))
    .map((el) => el.value);
}

/** The one value under a name, or null. */
export function one(form, name) {
  const values = chosen(form, name);
  return values.length ? values[0] : null;
}

/** A yes-or-no answer: one checkbox (ticked or not), or two radios (yes, no, or null for neither). */
export function yesNo(form, name) {
  const control = form.elements.namedItem(name);
  if (control && control.type === "checkbox") return control.checked;
  const value = one(form, name);
  return value === YES ? true : value === NO ? false : null;
}

/** [name, value] pairs of everything typed or ticked: a draft. */
export function snapshot(form) {
  return Array.from(form.elements)
    .filter((el) => editable(el) && (!ticks(el) || el.checked))
    .map((el) => [el.name, el.value]);
}

/** Whether a checkbox or radio shows a value; true or false shows as a ticked box, or as yes or no. */
function shows(el, value) {
  if (typeof value !== "boolean") return value === el.value;
  return el.type === "checkbox" ? value : el.value === (value ? YES : NO);
}

/** Show exactly these pairs: every other control is emptied. */
export function fill(form, pairs) {
  Array.from(form.elements).filter(editable).forEach((el) => {
    const mine = pairs.filter((p) => p[0] === el.name);
    if (ticks(el)) el.checked = mine.some((p) => shows(el, p[1]));
    else el.value = mine.length ? mine[0][1] : "";
  });
}
