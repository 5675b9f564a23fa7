// What an officer's page gives its scripts, from the data attributes base.html writes on <body>:
// who is signed in, the district's time zone and every URL a script calls (each from url_for, so
// no script spells a path); and the rules, fetched at most once per page however many ask.
const data = document.body.dataset;

export const officerId = Number(data.officerId);
export const zone = data.timezone;

export const urls = {
  serviceWorker: data.urlServiceWorker,
  myEntries: data.urlMyEntries,
  newContact: data.urlNewContact,
  /** The page of the entry with this id (the server writes the URL for the nil UUID). */
  entry: (id) => data.urlEntry.replace("00000000-0000-0000-0000-000000000000", id)
};

/** The sync API, as outbox.js calls it (the service worker has the same from sw.js). */
export const api = {
  schema: data.apiSchema,
  session: data.apiSession,
  sync: data.apiSync,
  entries: data.apiEntries,
  templates: data.apiTemplates
};

let fetched = null;

/** The server's current rules (api.schema), kept on the phone; null offline or when that fails. */
export function freshSchema() {
  if (!fetched) {
    fetched = !navigator.onLine ? Promise.resolve(null) :
      fetch(api.schema, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((response) => (response.ok ? response.json() : null))
        .then((schema) => schema && SROOutbox.putMeta("schema", schema).then(() => schema))
        .catch(() => null);  // offline after all: the rules kept on the phone serve
  }
  return fetched;
}

const templatesKey = "templates:" + officerId;

/** Fetch the officer's templates (api.templates) and keep them on the phone; null offline. */
export function freshTemplates() {
  if (!navigator.onLine) return Promise.resolve(null);
  return fetch(api.templates, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((response) => (response.ok ? response.json() : null))
    .then((body) => body && SROOutbox.putMeta(templatesKey, body.templates).then(() => body.templates))
    .catch(() => null);
}

/** The officer's templates as last kept on this phone (none yet: []). */
export function keptTemplates() {
  return SROOutbox.getMeta(templatesKey).then((kept) => kept || []);
}

/** Keep a template the server just stored beside the others (until the next fresh list). */
export function keepTemplate(template) {
  return keptTemplates().then((kept) => SROOutbox.putMeta(templatesKey, kept.concat([template])));
}

/** The rules to check with now: those kept on an earlier visit, else fresh ones. */
export function loadSchema() {
  return SROOutbox.getMeta("schema").then((kept) => kept || freshSchema());
}
