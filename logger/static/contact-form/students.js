// The students: one block of choices per student, added and removed as the count changes.
// A block with nothing ticked is empty: it is never sent and may be removed.

export function isEmpty(block) {
  return !Array.from(block.querySelectorAll("input")).some((el) => el.checked);
}

/** Give a copied block its place: its legend and every id, name and reference in it. */
function renumber(block, index) {
  block.dataset.index = String(index);
  block.querySelector("legend").textContent = "Student " + (index + 1);
  block.querySelectorAll("[id],[name],[for],[aria-describedby]").forEach((el) => {
    ["id", "name", "for", "aria-describedby"].forEach((attr) => {
      const value = el.getAttribute(attr);
      if (value) el.setAttribute(attr, value.replace(/students-\d+-/g, "students-" + index + "-"));
    });
  });
}

function addBlock(blocks) {
  const copy = blocks.lastElementChild.cloneNode(true);
  copy.querySelectorAll("input").forEach((el) => { el.checked = false; });
  copy.querySelectorAll(".error, .warning").forEach((el) => el.remove());
  copy.querySelectorAll(".has-error").forEach((el) => el.classList.remove("has-error"));
  renumber(copy, blocks.children.length);
  blocks.appendChild(copy);
}

/** A new block for the next student: the last one's grade band, every perception left to choose. */
function copyLast(blocks) {
  const band = blocks.lastElementChild.querySelector("input[name$='-grade_band']:checked");
  addBlock(blocks);
  if (band) {
    blocks.lastElementChild.querySelectorAll("input[name$='-grade_band']")
      .forEach((el) => { el.checked = el.value === band.value; });
  }
}

/**
 * The students section of the form. Descriptions are optional without enforcement: offered
 * behind a button (onDescribe is called when it is pressed), never hidden away once begun.
 */
export function studentBlocks(form, onDescribe) {
  const section = form.querySelector("[data-required-when]");
  const blocks = document.getElementById("student-blocks");
  const count = form.elements.namedItem("students_involved");
  const max = Number(count && count.max) || 50;
  let describing = false;

  const button = document.createElement("button");
  button.type = "button";
  button.className = "button secondary";
  button.textContent = "Describe the students (optional)";
  button.addEventListener("click", () => { describing = true; onDescribe(); });
  if (blocks) blocks.parentNode.insertBefore(button, blocks);

  // "Copy student": the next student in one tap, and the count follows the list.
  const copy = document.createElement("button");
  copy.type = "button";
  copy.className = "button secondary";
  copy.textContent = "Copy student (same grade band)";
  copy.hidden = true;
  copy.addEventListener("click", () => {
    if (blocks.children.length >= max) return;
    copyLast(blocks);
    count.value = String(blocks.children.length);
    count.dispatchEvent(new Event("input", { bubbles: true }));
    blocks.lastElementChild.querySelector("input").focus();
  });
  if (blocks) blocks.after(copy);

  /** As many blocks as wanted (by default as counted), keeping every block already described. */
  function fit(wanted) {
    wanted = Math.min(Math.max(wanted || parseInt(count.value, 10) || 1, 1), max);
    while (blocks.children.length < wanted) addBlock(blocks);
    while (blocks.children.length > wanted && isEmpty(blocks.lastElementChild)) blocks.lastElementChild.remove();
  }

  return {
    section,
    /** The rules' condition for describing every counted student (data-required-when). */
    requiredWhen: section ? JSON.parse(section.dataset.requiredWhen) : null,
    /** The blocks with something ticked, in order: the students the entry describes. */
    described: () => (blocks ? Array.from(blocks.children).filter((block) => !isEmpty(block)) : []),
    first: () => blocks.children[0],
    /** Open the descriptions with this many blocks (a draft or an entry shown again). */
    describe(wanted) { describing = true; fit(wanted); },
    /** Show the blocks when they are required, asked for or begun; else offer the button. */
    show(required) {
      if (!section || !blocks || !count) return;
      const shown = required || describing || !Array.from(blocks.children).every(isEmpty);
      blocks.hidden = !shown;
      button.hidden = shown;
      if (shown) fit();
      copy.hidden = !shown || blocks.children.length >= max;
    }
  };
}
