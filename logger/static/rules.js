// Checks an entry with the rules the server describes at GET /api/v1/schema.
// This is an interpreter of that data, mirroring the check() of logger/rules/: it holds no
// rule of its own (a test runs both on the same entries and compares every message).
/* exported SRORules */
var SRORules = (function () {
  "use strict";

  function isObject(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }
  function isInt(v) { return typeof v === "number" && Number.isInteger(v); }
  function isBlank(v) {
    return v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0) ||
      (typeof v === "string" && v.trim() === "");
  }
  function get(entry, dotted) {
    var value = entry;
    dotted.split(".").forEach(function (part) { value = isObject(value) ? value[part] : undefined; });
    return value;
  }
  function put(entry, dotted, value) {
    var parts = dotted.split("."), leaf = parts.pop();
    parts.forEach(function (part) { entry = entry[part] = entry[part] || {}; });
    entry[leaf] = value;
  }
  function conditionHolds(condition, entry) {
    if (!condition) return true;
    var value = entry[condition.field];
    if ("equals" in condition) return value === condition.equals;
    if ("in" in condition) return typeof value === "string" && condition.in.indexOf(value) !== -1;
    if (Array.isArray(value)) {
      return value.some(function (v) { return typeof v === "string" && condition.has_any.indexOf(v) !== -1; });
    }
    return false;
  }
  function joinWords(words) {
    if (words.length <= 1) return words.join("");
    return words.slice(0, -1).join(", ") + " and " + words[words.length - 1];
  }
  function codePoints(text) { return Array.from(text).length; }
  function wholeNumber(text) {
    var t = text.trim();
    return /^[0-9]{1,18}$/.test(t) ? Number(t) : null;
  }
  var ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,6})?)?(Z|[+-]\d\d:\d\d)$/;
  function parseDatetime(value) {
    if (typeof value !== "string" || !ISO.test(value.trim())) return null;
    var ms = Date.parse(value.trim());
    return isNaN(ms) ? null : ms;
  }

  function Checker(schema, assignedSchoolIds, now) {
    this.schema = schema;
    this.assigned = assignedSchoolIds;
    this.now = now;
  }

  Checker.prototype.message = function (spec, key, entry, values) {
    var template = spec.messages[key] || spec.messages.required;
    var condition = isObject(spec.required) ? spec.required : spec.applies_when;
    var chosen = [];
    if (condition && condition.has_any && Array.isArray(entry.actions)) {
      chosen = condition.has_any.filter(function (a) { return entry.actions.indexOf(a) !== -1; });
    }
    var actionLabels = this.actionLabels();
    var words = {
      actions: joinWords(chosen.map(function (a) { return actionLabels[a].toLowerCase(); })),
      was: chosen.length <= 1 ? "was" : "were",
      min: spec.min_length || spec.min, max: spec.max_length || spec.max
    };
    Object.keys(values || {}).forEach(function (k) { words[k] = values[k]; });
    return template.replace(/\{(\w+)\}/g, function (_, name) { return String(words[name]); });
  };

  Checker.prototype.actionLabels = function () {
    if (!this._actions) {
      var spec = this.schema.fields.filter(function (f) { return f.name === "actions"; })[0];
      var map = {};
      spec.choices.forEach(function (c) { map[c.value] = c.label; });
      this._actions = map;
    }
    return this._actions;
  };

  Checker.prototype.field = function (spec, value, entry, verdict, path) {
    var required = typeof spec.required === "boolean" ? spec.required : conditionHolds(spec.required, entry);
    if (isBlank(value)) {
      if (spec.type === "students" && required) {
        var counted = verdict.entry[spec.count_field];
        this.addError(verdict, path, this.message(spec, "required", entry,
          { count: 0, min: isInt(counted) ? counted : 1 }));
      } else if (required) {
        this.addError(verdict, path, this.message(spec, "required", entry));
      }
      return;
    }
    var cleaned = this.clean[spec.type].call(this, spec, value, entry, verdict, path);
    if (cleaned !== null) put(verdict.entry, spec.name, cleaned);
  };

  Checker.prototype.addError = function (verdict, path, message) {
    (verdict.errors[path] = verdict.errors[path] || []).push(message);
  };

  Checker.prototype.invalid = function (spec, entry, verdict, path) {
    this.addError(verdict, path, this.message(spec, "invalid", entry));
    return null;
  };

  function choiceValues(spec) { return spec.choices.map(function (c) { return c.value; }); }

  Checker.prototype.clean = {
    choice: function (spec, value, entry, verdict, path) {
      return choiceValues(spec).indexOf(value) !== -1 ? value : this.invalid(spec, entry, verdict, path);
    },
    choices: function (spec, value, entry, verdict, path) {
      var allowed = choiceValues(spec);
      if (!Array.isArray(value) || !value.every(function (v) { return allowed.indexOf(v) !== -1; })) {
        return this.invalid(spec, entry, verdict, path);
      }
      var chosen = allowed.filter(function (c) { return value.indexOf(c) !== -1; });
      if (spec.exclusive && chosen.indexOf(spec.exclusive) !== -1 && chosen.length > 1) {
        this.addError(verdict, path, this.message(spec, "exclusive", entry));
        return null;
      }
      return chosen;
    },
    text: function (spec, value, entry, verdict, path) {
      if (typeof value !== "string") return this.invalid(spec, entry, verdict, path);
      var problem = this.textProblem(value, spec.label, true);
      if (problem) {
        this.addError(verdict, path, problem);
        return null;
      }
      var text = value.replace(/\r\n/g, "\n").trim(), length = codePoints(text);
      if (spec.max_length !== undefined && length > spec.max_length) {
        this.addError(verdict, path, this.message(spec, "too_long", entry, { count: length }));
        return null;
      }
      if (spec.min_length !== undefined && length < spec.min_length) {
        this.addError(verdict, path, this.message(spec, "required", entry));
        return null;
      }
      return text;
    },
    integer: function (spec, value, entry, verdict, path) {
      var number = typeof value === "string" ? wholeNumber(value) : value;
      if (!isInt(number) || number < spec.min || number > spec.max) return this.invalid(spec, entry, verdict, path);
      return number;
    },
    "boolean": function (spec, value, entry, verdict, path) {
      return typeof value === "boolean" ? value : this.invalid(spec, entry, verdict, path);
    },
    datetime: function (spec, value, entry, verdict, path) {
      return parseDatetime(value) === null ? this.invalid(spec, entry, verdict, path) : value.trim();
    },
    school: function (spec, value, entry, verdict, path) {
      if (isInt(value)) return value;
      if (typeof value === "string" && wholeNumber(value) !== null) return wholeNumber(value);
      return this.invalid(spec, entry, verdict, path);
    },
    students: function (spec, value, entry, verdict, path) {
      if (!Array.isArray(value)) return this.invalid(spec, entry, verdict, path);
      var self = this, students = [];
      value.forEach(function (student, index) {
        if (!isObject(student)) {
          self.addError(verdict, path + "." + index, self.message(spec, "invalid", entry));
          return;
        }
        var described = { entry: {}, errors: {}, warnings: {} };
        self.schema.student_fields.forEach(function (studentSpec) {
          self.field(studentSpec, student[studentSpec.name], entry, described,
            path + "." + index + "." + studentSpec.name);
        });
        Object.keys(described.errors).forEach(function (k) { verdict.errors[k] = described.errors[k]; });
        students.push(described.entry);
      });
      return students;
    }
  };

  // With the u flag a proper pair is one code point, so only a lone surrogate matches (no
  // lookbehind: older Safari cannot parse it).
  var LONE_SURROGATE = /[\uD800-\uDFFF]/u;

  /** Why text cannot be stored (broken Unicode, control characters), as rules.text_problem says. */
  Checker.prototype.textProblem = function (value, label, multiline) {
    var text = this.schema.text;
    if (!text) return null;  // rules cached before this check existed: the server still checks
    if (LONE_SURROGATE.test(value)) return text.messages.broken.replace("{label}", label);
    var kind = multiline ? "multiline" : "single_line";
    var checked = multiline ? value.replace(/\r\n/g, "\n") : value;
    return new RegExp(text.control[kind]).test(checked) ? text.messages[kind].replace("{label}", label) : null;
  };

  Checker.prototype.possiblePii = function (text) {
    var pii = this.schema.pii;
    if (["digits", "date", "cue"].some(function (kind) { return new RegExp(pii.patterns[kind]).test(text); })) {
      return true;
    }
    var notNames = pii.not_names;
    return Array.from(text.matchAll(new RegExp(pii.patterns.pair, "g"))).some(function (match) {
      return !match[1].split(" ").some(function (word) { return notNames.indexOf(word) !== -1; });
    });
  };

  /** A client's dictionary version must be one the server knows (absent: nothing said). */
  Checker.prototype.checkVersion = function (sent, verdict) {
    var dictionary = this.schema.dictionary;
    if (sent === undefined || sent === null || (isInt(sent) && dictionary.known.indexOf(sent) !== -1)) return;
    this.addError(verdict, dictionary.field, dictionary.unknown.replace("{versions}",
      joinWords(dictionary.known.map(String))));
  };

  /** One description per counted student when required; never more than were counted. */
  Checker.prototype.checkCount = function (spec, verdict, entry) {
    var described = verdict.entry[spec.name], counted = verdict.entry[spec.count_field];
    if (described === undefined || counted === undefined || spec.name in verdict.errors) return;
    if (described.length > counted) {
      this.addError(verdict, spec.name, this.message(spec, "too_many", entry,
        { count: described.length, max: counted }));
    } else if (conditionHolds(spec.required, entry) && described.length < counted) {
      this.addError(verdict, spec.name, this.message(spec, "required", entry,
        { count: described.length, min: counted }));
    }
  };

  Checker.prototype.check = function (entry) {
    var self = this, verdict = { entry: {}, errors: {}, warnings: {}, schoolNotAssigned: false };
    if (!isObject(entry)) {
      this.addError(verdict, "entry", "An entry must be an object of fields.");
      return verdict;
    }
    this.checkVersion(entry[this.schema.dictionary.field], verdict);
    var fields = this.schema.fields;
    fields.forEach(function (spec) {
      if (conditionHolds(spec.applies_when, entry)) self.field(spec, get(entry, spec.name), entry, verdict, spec.name);
    });
    fields.forEach(function (spec) {
      var value = verdict.entry[spec.name];
      if (spec.must_be_assigned && value !== undefined && self.assigned.indexOf(value) === -1) {
        self.addError(verdict, spec.name, spec.messages.invalid);
        verdict.schoolNotAssigned = true;
        delete verdict.entry[spec.name];
      }
      if (spec.max_future_minutes !== undefined && value) {
        var moment = parseDatetime(value);
        if (moment > self.now + spec.max_future_minutes * 60000) {
          self.addError(verdict, spec.name, spec.messages.future);
        } else if (moment < parseDatetime(spec.earliest)) {
          self.addError(verdict, spec.name, spec.messages.too_early);
          delete verdict.entry[spec.name];
        }
      }
      if (spec.count_field) self.checkCount(spec, verdict, entry);
    });
    fields.forEach(function (spec) {
      var text = get(verdict.entry, spec.name);
      if (spec.type === "text" && typeof text === "string" && self.possiblePii(text)) {
        (verdict.warnings[spec.name] = verdict.warnings[spec.name] || []).push(self.schema.pii.warning);
      }
    });
    return verdict;
  };

  /** The rules' verdict on an entry: {entry, errors, warnings, schoolNotAssigned}. */
  function check(schema, entry, assignedSchoolIds, now) {
    return new Checker(schema, assignedSchoolIds, now).check(entry);
  }

  /** Errors in the explanation an amendment of an approved entry must carry. */
  function checkAmendment(schema, explanation) {
    var checker = new Checker(schema, [], 0), verdict = { entry: {}, errors: {}, warnings: {} };
    checker.field(schema.amendment, explanation, {}, verdict, schema.amendment.name);
    return verdict.errors;
  }

  return { check: check, checkAmendment: checkAmendment, conditionHolds: conditionHolds };
})();
