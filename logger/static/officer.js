// Officer pages: the service worker, the sync schedule and the status strip.
// Sync runs from the page (load, back online, page shown, "Sync now", a timer with backoff);
// Background Sync in the service worker is an extra where the browser has it.
import { api, freshSchema, freshTemplates, officerId, urls, zone } from "./page.js";

var strip = document.getElementById("sync-strip");
if (officerId && strip && window.indexedDB && window.SROOutbox) officerPages();
else if (strip) strip.hidden = true;  // nothing to show without the phone's store

function officerPages() {
  var MAX_DELAY_MS = 5 * 60 * 1000;
  var DISMISSED = "sro-dismissed-message";
  var state = { running: null, failures: 0, paused: null, timer: null, persisted: true, update: null };

  function part(name) { return strip.querySelector("[data-strip='" + name + "']"); }

  function clock(ms) {
    return new Date(ms).toLocaleTimeString("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit" });
  }

  function counts() {
    return SROOutbox.items(officerId).then(function (items) {
      return {
        items: items,
        queued: items.filter(function (i) { return i.state === "queued"; }).length,
        attention: items.filter(function (i) { return i.state === "attention"; }).length
      };
    });
  }

  function refreshStrip() {
    return Promise.all([counts(), SROOutbox.getMeta("last-sync:" + officerId)]).then(function (r) {
      var c = r[0], last = r[1];
      part("network").textContent = navigator.onLine ? "Online" : "Offline";
      strip.classList.toggle("offline", !navigator.onLine);
      part("waiting").textContent = c.queued === 0 ? "Nothing waiting" :
        c.queued + (c.queued === 1 ? " entry waits" : " entries wait") + " to be sent";
      part("attention").hidden = c.attention === 0;
      part("attention").textContent = c.attention + (c.attention === 1 ? " needs" : " need") + " attention";
      part("last").textContent = last ? "Last sync " + clock(last) : "Not synced yet on this phone";
      strip.querySelector("[data-action='download']").hidden = c.items.length === 0;
      showMessage(message(c));
      strip.classList.remove("pending");
      document.dispatchEvent(new CustomEvent("sro:outbox", { detail: c }));
      return c;
    });
  }

  /** A message the officer has not yet dismissed (by its text, for this tab) floats at the foot. */
  function showMessage(text) {
    part("message").textContent = text;
    strip.querySelector(".strip-message").hidden = !text || text === sessionStorage.getItem(DISMISSED);
  }

  function dismissMessage() {
    sessionStorage.setItem(DISMISSED, part("message").textContent);
    strip.querySelector(".strip-message").hidden = true;
  }

  function message(c) {
    if (state.paused === "signin") {
      return "Signed out: sign in again to send " + (c.queued ? "the waiting entries" : "your entries") +
        ". They stay on this phone.";
    }
    if (state.paused === "other-user") {
      return "Another officer is signed in on this phone; these entries wait for their own officer.";
    }
    if (c.queued && !navigator.onLine) return "Offline: entries stay on this phone and are sent when the connection returns.";
    if (c.queued && state.failures) return "Could not reach the server; trying again soon. Nothing is lost.";
    if (!state.persisted) return "This browser may clear stored entries when space runs low: add the app to the home screen.";
    return "";
  }

  /** Send what waits now; one run at a time in this page. */
  function syncNow() {
    if (state.running) return state.running;
    clearTimeout(state.timer);
    strip.classList.add("syncing");
    state.running = SROOutbox.sync(officerId, api).then(function (outcome) {
      state.paused = outcome.status === "done" ? null : outcome.status;
      state.failures = 0;
      if (outcome.status === "done") document.dispatchEvent(new CustomEvent("sro:synced", { detail: outcome }));
    }, function () {
      state.failures += 1;
    }).then(function () {
      state.running = null;
      strip.classList.remove("syncing");
      return refreshStrip();
    }).then(function (c) {
      if (c.queued && !state.paused) {
        var delay = Math.min(1000 * Math.pow(2, Math.max(state.failures - 1, 0)), MAX_DELAY_MS);
        state.timer = setTimeout(syncNow, delay);
      }
    });
    return state.running;
  }

  function downloadWaiting() {
    counts().then(function (c) {
      var body = JSON.stringify({ officer_id: officerId, exported_at: new Date().toISOString(),
        entries: c.items }, null, 2);
      var link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([body], { type: "application/json" }));
      link.download = "sro-field-log-waiting-" + new Date().toISOString().slice(0, 10) + ".json";
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
  }

  function watchServiceWorker() {
    if (!("serviceWorker" in navigator)) return;
    var reloading = false;
    navigator.serviceWorker.addEventListener("controllerchange", function () {
      if (state.update && !reloading) { reloading = true; location.reload(); }
    });
    navigator.serviceWorker.register(urls.serviceWorker).then(function (registration) {
      function offer(worker) {
        if (!worker || !navigator.serviceWorker.controller) return;  // first install: nothing to replace
        var button = strip.querySelector("[data-action='update']");
        button.hidden = false;
        button.onclick = function () { state.update = worker; worker.postMessage({ type: "SKIP_WAITING" }); };
      }
      offer(registration.waiting);
      registration.addEventListener("updatefound", function () {
        var worker = registration.installing;
        worker.addEventListener("statechange", function () { if (worker.state === "installed") offer(worker); });
      });
    });
  }

  function askForPersistentStorage() {
    if (!navigator.storage || !navigator.storage.persist) return;
    navigator.storage.persisted().then(function (already) {
      return already || navigator.storage.persist();
    }).then(function (granted) { state.persisted = granted; refreshStrip(); });
  }

  function keepPagesPrivateAtSignOut() {
    var form = document.getElementById("logout-form");
    if (!form || !window.caches) return;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      Promise.all([caches.delete("sro-pages"), SROOutbox.forgetServerEntries(officerId),
                   SROOutbox.putMeta("signed-in", null)])
        .finally(function () { form.submit(); });
    });
  }

  strip.querySelector("[data-action='sync']").addEventListener("click", syncNow);
  strip.querySelector("[data-action='download']").addEventListener("click", downloadWaiting);
  strip.querySelector("[data-action='dismiss']").addEventListener("click", dismissMessage);
  window.addEventListener("online", syncNow);
  window.addEventListener("offline", refreshStrip);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) syncNow(); });
  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (!event.data || event.data.type !== "synced") return;
      if (event.data.outcome.status === "done") {
        document.dispatchEvent(new CustomEvent("sro:synced", { detail: event.data.outcome }));
      }
      refreshStrip();
    });
  }

  // Fixing and amending go through the outbox where it works (offline too); elsewhere through
  // the server's own page.
  if (window.crypto && crypto.getRandomValues) {
    document.querySelectorAll("[data-needs-outbox]").forEach(function (el) { el.hidden = false; });
    document.querySelectorAll("[data-without-outbox]").forEach(function (el) { el.hidden = true; });
  }

  window.SROApp = { officerId: officerId, syncNow: syncNow, refreshStrip: refreshStrip };
  SROOutbox.putMeta("current-officer", officerId);
  watchServiceWorker();
  askForPersistentStorage();
  keepPagesPrivateAtSignOut();
  freshSchema();  // kept on the phone for the New contact form, online or not
  freshTemplates();
  syncNow();
}
