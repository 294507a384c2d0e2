// The lab's service worker: after one visit every page, the wasm, the shipped checkpoints, the
// recorded runs and the digits are in this browser's cache, and the lab works with no network.
// scripts/offline.mjs writes dist/sw.js as `VERSION` (a hash of every file of the build) and
// `FILES` (each file's path) followed by this file, so a new build is a new worker: it caches the
// new files under its own name, takes over at once and deletes every older cache.
/* global VERSION, FILES */
const CACHE = `iclab-${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // `reload`: never fill the cache from an older HTTP-cached copy
      await cache.addAll(FILES.map((file) => new Request(file, { cache: "reload" })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys())
        if (name.startsWith("iclab-") && name !== CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      // a page's settings are in its query string: the page itself is the same file
      const hit = await cache.match(request, { ignoreSearch: true, ignoreVary: true });
      if (hit) return hit;
      return fetch(request);
    })(),
  );
});
