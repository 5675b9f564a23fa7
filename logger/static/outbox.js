// The phone's store (IndexedDB) and the sync engine. No DOM: the page and the service worker
// both load it, and each gives sync() the API's URLs ({session, sync, entries}) that the server
// wrote for it with url_for. Invariant: an entry leaves the outbox only when the server answered
// "accepted" or "duplicate" for exactly the version that was sent.
/* exported SROOutbox */
var SROOutbox = (function () {
  "use strict";
  var DB_NAME = "sro-field-log";
  var DB_VERSION = 1;
  var BATCH_ENTRIES = 100;
  var BATCH_BYTES = 900 * 1024;  // the server refuses bodies over 1 MB
  var TIMEOUT_MS = 30000;
  var ENTRY_PAGES_PER_SYNC = 100;  // the server sends at most 500 changed entries a page

  function promised(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  var opened = null;
  function open() {
    if (!opened) {
      var request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = function (event) {
        var db = request.result;
        // Each step runs once and never drops a store: entries survive every upgrade.
        if (event.oldVersion < 1) {
          db.createObjectStore("outbox", { keyPath: "id" }).createIndex("officer", "officer_id");
          db.createObjectStore("drafts", { keyPath: "key" });
          db.createObjectStore("entries", { keyPath: "id" }).createIndex("officer", "officer_id");
          db.createObjectStore("meta", { keyPath: "key" });
        }
      };
      opened = promised(request);
    }
    return opened;
  }

  /** Run work(stores) in one transaction; resolves with its result when the transaction commits. */
  function transact(names, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(names, mode), result;
        var stores = {};
        names.forEach(function (name) { stores[name] = tx.objectStore(name); });
        Promise.resolve(work(stores)).then(function (value) { result = value; }, reject);
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function byOfficer(store, officerId) {
    return promised(store.index("officer").getAll(officerId));
  }

  function items(officerId) {
    return transact(["outbox"], "readonly", function (s) { return byOfficer(s.outbox, officerId); })
      .then(function (all) { return all.sort(function (a, b) { return a.queued_at - b.queued_at; }); });
  }

  /** Put an entry in the outbox (new, or a new version of one waiting or needing attention). */
  function queue(item) {
    item.queued_at = Date.now();
    item.version = item.queued_at + Math.random();
    item.state = "queued";
    item.errors = {};
    return transact(["outbox"], "readwrite", function (s) { s.outbox.put(item); }).then(function () { return item; });
  }

  function getMeta(key) {
    return transact(["meta"], "readonly", function (s) { return promised(s.meta.get(key)); })
      .then(function (row) { return row ? row.value : undefined; });
  }

  function putMeta(key, value) {
    return transact(["meta"], "readwrite", function (s) { s.meta.put({ key: key, value: value }); });
  }

  function getFrom(storeName, key) {
    return transact([storeName], "readonly", function (s) { return promised(s[storeName].get(key)); });
  }

  function putDraft(draft) {
    return transact(["drafts"], "readwrite", function (s) { s.drafts.put(draft); });
  }

  function deleteDraft(key) {
    return transact(["drafts"], "readwrite", function (s) { s.drafts.delete(key); });
  }

  function serverEntries(officerId) {
    return transact(["entries"], "readonly", function (s) { return byOfficer(s.entries, officerId); });
  }

  function envelope(item) {
    var sent = { id: item.id, base_revision: item.base_revision || 0, contact: item.contact };
    if (item.amendment_explanation) sent.amendment_explanation = item.amendment_explanation;
    if (item.timing) sent.timing = item.timing;  // seconds to write a new entry: no content
    return sent;
  }

  function batches(list) {
    var out = [], current = [], bytes = 0;
    list.forEach(function (item) {
      var size = new TextEncoder().encode(JSON.stringify(envelope(item))).length + 1;
      if (current.length && (current.length >= BATCH_ENTRIES || bytes + size > BATCH_BYTES)) {
        out.push(current); current = []; bytes = 0;
      }
      current.push(item); bytes += size;
    });
    if (current.length) out.push(current);
    return out;
  }

  function fetchJSON(url, options) {
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = controller && setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    var opts = Object.assign({ credentials: "same-origin", cache: "no-store",
      headers: { Accept: "application/json" } }, options || {});
    if (controller) opts.signal = controller.signal;
    return fetch(url, opts).finally(function () { if (timer) clearTimeout(timer); });
  }

  /** Record the server's answers; only the version that was sent leaves the outbox. */
  function applyResults(officerId, sent, results) {
    var counts = { accepted: 0, attention: 0 };
    return transact(["outbox", "entries"], "readwrite", function (s) {
      results.forEach(function (result, index) {
        var item = sent[index];
        if (!item || result.id !== item.id) return;
        var request = s.outbox.get(item.id);
        request.onsuccess = function () {
          var stored = request.result;
          if (!stored) return;
          if (stored.version !== item.version) {  // edited meanwhile: send the newer one next,
            if (result.status === "accepted" || result.status === "duplicate") {
              stored.base_revision = result.revision;  // as a change to what the server now holds
              s.outbox.put(stored);
            }
            return;
          }
          if (result.status === "accepted" || result.status === "duplicate") {
            s.outbox.delete(item.id);
            s.entries.put({ id: item.id, officer_id: officerId, revision: result.revision,
              status: "submitted", contact: item.contact, flags: [], school_name: item.school_name });
            counts.accepted += 1;
          } else {
            stored.state = "attention";
            stored.server_status = result.status;
            stored.errors = result.errors || {};
            stored.revision = result.revision;
            s.outbox.put(stored);
            counts.attention += 1;
          }
        };
      });
    }).then(function () { return counts; });
  }

  function cursorKey(officerId) {
    return "entries-cursor:" + officerId;
  }

  /** Keep the server's copy of each entry (one per id) and where the next fetch starts, together. */
  function keepEntries(officerId, body) {
    return transact(["entries", "meta"], "readwrite", function (s) {
      body.entries.forEach(function (e) { e.officer_id = officerId; s.entries.put(e); });
      s.meta.put({ key: cursorKey(officerId), value: body.cursor });
    });
  }

  /**
   * Fetch the entries that changed since the last fetch (and every returned one), a page at a
   * time, at most pagesLeft pages. A cursor the server refuses is dropped: the next page starts over.
   */
  function refreshEntries(officerId, api, pagesLeft) {
    if (pagesLeft === undefined) pagesLeft = ENTRY_PAGES_PER_SYNC;
    if (pagesLeft < 1) return Promise.resolve();
    return getMeta(cursorKey(officerId)).then(function (cursor) {
      var url = api.entries + (cursor ? "?since=" + encodeURIComponent(cursor) : "");
      return fetchJSON(url).then(function (response) {
        if (response.status === 400 && cursor) {
          return putMeta(cursorKey(officerId), null).then(function () {
            return refreshEntries(officerId, api, pagesLeft - 1);
          });
        }
        if (!response.ok) return;
        return response.json().then(function (body) {
          if (body.officer_id !== officerId) return;  // another officer signed in meanwhile
          return keepEntries(officerId, body).then(function () {
            if (body.more) return refreshEntries(officerId, api, pagesLeft - 1);
          });
        });
      });
    });
  }

  /**
   * Send this officer's queued entries. Resolves {status, accepted}: "done", "signin" (session gone:
   * entries kept, queue paused) or "other-user" (signed in as someone else: nothing sent).
   * Rejects on a network error, a timeout or a 5xx: everything stays queued.
   */
  function syncOnce(officerId, api) {
    return items(officerId).then(function (all) {
      var queued = all.filter(function (i) { return i.state === "queued"; });
      return fetchJSON(api.session).then(function (response) {
        if (response.status === 401) {
          return putMeta("signed-in", null).then(function () { return { status: "signin" }; });
        }
        if (!response.ok) throw new Error("session check failed: " + response.status);
        return response.json().then(function (session) {
          if (session.user.id !== officerId) {
            return putMeta("signed-in", session.user.id).then(function () { return { status: "other-user" }; });
          }
          return putMeta("signed-in", officerId)
            .then(function () { return putMeta("schools:" + officerId, session.schools); })
            .then(function () { return sendBatches(officerId, api, batches(queued), session.csrf_token); })
            .then(function (outcome) {
              if (outcome.status !== "done") return outcome;
              return refreshEntries(officerId, api)
                .then(function () { return putMeta("last-sync:" + officerId, Date.now()); })
                .then(function () { return outcome; });
            });
        });
      });
    });
  }

  function sendBatches(officerId, api, list, token, accepted) {
    accepted = accepted || 0;
    if (!list.length) return Promise.resolve({ status: "done", accepted: accepted });
    var batch = list[0];
    return fetchJSON(api.sync, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ entries: batch.map(envelope) })
    }).then(function (response) {
      if (response.status === 401) return { status: "signin" };
      if (!response.ok) throw new Error("sync failed: " + response.status);
      return response.json().then(function (body) {
        return applyResults(officerId, batch, body.results);
      }).then(function (counts) {
        return sendBatches(officerId, api, list.slice(1), token, accepted + counts.accepted);
      });
    });
  }

  /** syncOnce, one sync at a time across tabs (Web Locks where the browser has them). */
  function sync(officerId, api) {
    if (typeof navigator !== "undefined" && navigator.locks && navigator.locks.request) {
      return navigator.locks.request("sro-sync-" + officerId, function () { return syncOnce(officerId, api); });
    }
    return syncOnce(officerId, api);
  }

  /** Drop an entry from the outbox: only when the officer decides to, after downloading it. */
  function discard(id) {
    return transact(["outbox"], "readwrite", function (s) { s.outbox.delete(id); });
  }

  /** What the server told this phone about an officer's entries, forgotten at sign-out. */
  function forgetServerEntries(officerId) {
    return transact(["entries", "meta"], "readwrite", function (s) {
      s.meta.delete(cursorKey(officerId));  // the next sign-in fetches every entry again
      return byOfficer(s.entries, officerId).then(function (old) {
        old.forEach(function (e) { s.entries.delete(e.id); });
      });
    });
  }

  return {
    items: items, queue: queue, sync: sync, getMeta: getMeta, putMeta: putMeta,
    discard: discard, forgetServerEntries: forgetServerEntries,
    getItem: function (id) { return getFrom("outbox", id); },
    getServerEntry: function (id) { return getFrom("entries", id); },
    getDraft: function (key) { return getFrom("drafts", key); },
    putDraft: putDraft, deleteDraft: deleteDraft, serverEntries: serverEntries
  };
})();
