// SRO Field Log service worker. It serves GETs only (never a POST), keeps the officer's
// shell for use with no signal, and takes over from an older version only when the page asks.
"use strict";
importScripts({{ url_for('static', filename='outbox.js') | tojson }});
// The sync API for outbox.js: the same url_for as the pages' data-api-* attributes (base.html).
const API = {
  session: {{ url_for('api.session_info') | tojson }},
  sync: {{ url_for('api.sync') | tojson }},
  entries: {{ url_for('api.entries') | tojson }},
};

const SHELL_CACHE = "sro-shell-{{ version }}";
const PAGES_CACHE = "sro-pages";
// Each file by the URL the pages ask for: "?v=" and a hash of its bytes where url_for built it,
// plain where a module imports it by a relative URL (logger/officer/shell.py).
const SHELL_FILES = {{ files | tojson }};
const SHELL_PATHS = SHELL_FILES.map((url) => new URL(url, self.location.origin).pathname);
const SHELL_PAGES = {{ pages | tojson }};
const SIGN_IN_PAGE = {{ url_for('auth.login') | tojson }};
const MANIFEST = {{ url_for('shell.manifest') | tojson }};
const NETWORK_WAIT_MS = 4000;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const shell = await caches.open(SHELL_CACHE);
    // A versioned URL names its bytes, so the copy the page just loaded will do; a plain one is
    // checked with the server first (a 304 when the browser's copy is current).
    await shell.addAll(SHELL_FILES.map((url) => new Request(url, {
      cache: new URL(url, self.location.origin).searchParams.has("v") ? "default" : "no-cache",
    })));
    const pages = await caches.open(PAGES_CACHE);
    await Promise.all(SHELL_PAGES.map(async (url) => {
      try {
        const response = await fetch(url, { credentials: "same-origin", cache: "reload" });
        if (response.ok && !response.redirected) await pages.put(url, response);
      } catch (error) { /* offline while installing: the pages are cached on their next visit */ }
    }));
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith("sro-shell-") && n !== SHELL_CACHE)
      .map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === SIGN_IN_PAGE) {
    // Whoever signs in next must never see the last officer's cached pages.
    event.waitUntil(caches.delete(PAGES_CACHE));
    return;
  }
  if (request.mode === "navigate" && isShellPage(url)) {
    event.respondWith(networkFirst(request, url));
  } else if (SHELL_PATHS.includes(url.pathname) || url.pathname === MANIFEST) {
    event.respondWith(cacheFirst(request));
  }
});

function isShellPage(url) {
  return SHELL_PAGES.includes(url.pathname) || /^\/entries\/[0-9a-f-]{36}$/.test(url.pathname);
}

async function cacheFirst(request) {
  const cached = await caches.match(request, { ignoreSearch: true });
  return cached || fetch(request);
}

// Fresh pages while the network answers quickly; the last copy when it does not.
async function networkFirst(request, url) {
  const pages = await caches.open(PAGES_CACHE);
  const network = fetch(request).then(async (response) => {
    if (response.ok && !response.redirected) await pages.put(url.pathname, response.clone());
    return response;
  });
  const cached = await pages.match(url.pathname);
  if (!cached) return network;
  const slow = new Promise((resolve) => setTimeout(() => resolve(null), NETWORK_WAIT_MS));
  try {
    return (await Promise.race([network, slow])) || cached;
  } catch (error) {
    return cached;
  }
}

// Background Sync, where the browser has it (not iOS): send the outbox with no page open.
self.addEventListener("sync", (event) => {
  if (event.tag !== "sro-outbox") return;
  event.waitUntil(SROOutbox.getMeta("current-officer").then(async (officerId) => {
    if (!officerId) return;
    const outcome = await SROOutbox.sync(officerId, API);
    for (const client of await self.clients.matchAll({ type: "window" })) {
      client.postMessage({ type: "synced", outcome: outcome });
    }
  }));
});
