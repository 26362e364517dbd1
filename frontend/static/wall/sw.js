// The wall's service worker. The screen page puts itself and its assets in the cache
// (wall.js); this worker answers from that cache only when the network fails, so a reload
// while the server is down still shows the wall, never an error page. The feed and /healthz
// always go to the network: the page itself decides what to do when they fail.
"use strict";
var CACHE = "untold-wall-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function fromCache(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (hit) {
      return hit || cache.match(request, { ignoreSearch: true });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/api/") === 0 || url.pathname === "/healthz") return;
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok && (request.mode === "navigate" || url.pathname.indexOf("/static/") === 0)) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      return fromCache(request).then(function (hit) {
        return hit || Response.error();
      });
    })
  );
});
