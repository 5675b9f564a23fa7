// Fewer taps: a usual number of minutes in one tap, and the setting filled in from where the
// contact happened when that says it (a bus area is school transportation), by the rules' own
// table (data-prefill). A setting the officer chose is never overwritten.
import { one } from "./controls.js";

function choose(form, name, value) {
  form.querySelectorAll('input[name="' + name + '"]').forEach((el) => { el.checked = el.value === value; });
}

/** Wire the one-tap minutes; returns what shows which one is pressed (after a restore). */
function quickPicks(form) {
  const marks = Array.from(form.querySelectorAll(".quick-picks")).map((row) => {
    const input = document.getElementById(row.dataset.for);
    const buttons = Array.from(row.querySelectorAll("button"));
    const mark = () => buttons.forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.value === input.value.trim())));
    buttons.forEach((button) => button.addEventListener("click", () => {
      input.value = button.dataset.value;
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }));
    input.addEventListener("input", mark);
    row.hidden = false;
    return mark;
  });
  return () => marks.forEach((mark) => mark());
}

/** Follow each data-prefill source; returns what to call after every change or restore. */
function prefills(form) {
  const follows = Array.from(form.querySelectorAll("[data-prefill]")).map((target) => {
    const rule = JSON.parse(target.dataset.prefill);
    let previous = null;  // a location chosen before this script ran is followed too
    return () => {
      const now = one(form, rule.from);
      if (now === previous) return;
      const current = one(form, target.id);
      if (current === null || current === rule.values[previous]) choose(form, target.id, rule.values[now] || null);
      previous = now;
    };
  });
  return () => follows.forEach((follow) => follow());
}

/** Wire both; the returned function brings them up to date with what the form shows. */
export function shortcuts(form) {
  const picks = quickPicks(form), follow = prefills(form);
  return () => { follow(); picks(); };
}
