// The wall's service worker. The screen page puts itself and its assets in the cache
// (wall.js); this worker answers from that cache only when the network fails, so a reload
// while the server is down still shows the wall, never an error page. The feed and /healthz
// always go to the network: the page itself decides what to do when they fail. Only screen
// pages (/wall/<installation>/) and static files are kept: the web wall, whose page holds
// stories, is never cached, so a withdrawn story cannot linger in a visitor's browser.
"use strict";
var CACHE = "untold-wall-v1";
var SCREEN = /^\/wall\/[a-z0-9_-]+\/$/i;

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
  var kept = SCREEN.test(url.pathname) || url.pathname.indexOf("/static/") === 0 || /\/qr\.svg$/.test(url.pathname);
  if (!kept) return;  // everything else goes to the network as if there were no worker
  event.respondWith(
    fetch(request).then(function (response) {
      var screen = request.mode === "navigate" && SCREEN.test(url.pathname);
      if (response.ok && (screen || url.pathname.indexOf("/static/") === 0)) {
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
