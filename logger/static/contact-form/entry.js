// The form as an entry and an entry as the form, both from the rules' own list of fields
// (GET /api/v1/schema, the same list that checks the entry): a field's control is named by its
// path with "-" for "." ("justification-basis"), a student's by "students-N-" and its name.
import { chosen, one, yesNo } from "./controls.js";
import { isoToLocal, localToIso } from "./time-zone.js";

function controlName(path) { return path.replace(/\./g, "-"); }

function studentPrefix(index) { return "students-" + index + "-"; }

function valueAt(entry, path) {
  return path.split(".").reduce((value, part) => (value ? value[part] : undefined), entry);
}

function putAt(entry, path, value) {
  const parts = path.split("."), leaf = parts.pop();
  parts.reduce((node, part) => (node[part] = node[part] || {}), entry)[leaf] = value;
}

/** A field's value as its controls hold it: the same shape the server's form builds. */
function read(form, spec, name, zone) {
  if (spec.type === "choices") return chosen(form, name);
  if (spec.type === "boolean") return yesNo(form, name);
  if (spec.type === "datetime") return localToIso(one(form, name), zone);
  return one(form, name);
}

/** A field's value as its controls show it: a value, a list of values, true or false, or null. */
function asShown(spec, value, zone) {
  return spec.type === "datetime" ? isoToLocal(value, zone) : value;
}

/** A student as the rules read it; an optional box left unticked is not recorded (null). */
function readStudent(form, fields, index, zone) {
  const student = {};
  fields.forEach((spec) => {
    const value = read(form, spec, studentPrefix(index) + spec.name, zone);
    student[spec.name] = spec.required === false && value === false ? null : value;
  });
  return student;
}

/**
 * The entry as the sync API carries it, saying which dictionary version it was checked under
 * (the server refuses a version it does not know). studentIndexes: the student blocks to send (those
 * described), by the number in their controls' names.
 */
export function formToEntry(form, schema, zone, studentIndexes) {
  const entry = {};
  entry[schema.dictionary.field] = schema.dictionary.version;  // the rules it was checked with
  schema.fields.forEach((spec) => {
    const value = spec.type === "students"
      ? studentIndexes.map((index) => readStudent(form, schema.student_fields, index, zone))
      : read(form, spec, controlName(spec.name), zone);
    putAt(entry, spec.name, value);
  });
  return entry;
}

/** [name, value] pairs that show an entry in the form (see fill in controls.js). */
export function entryToPairs(entry, schema, zone) {
  const pairs = [];
  function add(name, spec, value) {
    value = asShown(spec, value, zone);
    if (value === null || value === undefined) return;
    [].concat(value).forEach((v) => pairs.push([name, typeof v === "boolean" ? v : String(v)]));
  }
  schema.fields.forEach((spec) => {
    const value = valueAt(entry, spec.name);
    if (spec.type !== "students") return add(controlName(spec.name), spec, value);
    (value || []).forEach((student, index) => {
      schema.student_fields.forEach((field) => add(studentPrefix(index) + field.name, field, student[field.name]));
    });
  });
  return pairs;
}

/** How many student blocks the pairs fill. */
export function studentsIn(pairs) {
  return pairs.reduce((count, pair) => {
    const m = /^students-(\d+)-/.exec(pair[0]);
    return m ? Math.max(count, Number(m[1]) + 1) : count;
  }, 0);
}
