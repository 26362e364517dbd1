// The installation screen. It must never go dark: it shows what it has (in memory and in
// this device's local storage, which holds only the public feed), polls the feed with
// If-None-Match, replaces its whole set of stories on every new feed version, marks itself
// offline and retries with backoff when the network or the server fails, and reloads once
// a day only after /healthz answers (a service worker keeps the page for that moment too).
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("wall-config").textContent);
  var KEY = "untold-wall:" + config.slug;
  var MAX_PAGES = 4;
  var MOSAIC_TILES = 6;
  var stories = document.getElementById("stories");
  var invite = document.getElementById("invite");
  var pausedLine = document.getElementById("paused-line");
  var offline = document.getElementById("offline");
  var helplines = document.getElementById("helplines");
  var root = document.documentElement;
  var state = { etag: null, feed: null, index: 0, failures: 0, lastBeat: 0, timer: null };
  var bootedAt = Date.now();
  var words = config.strings[config.languages[0]] || {};

  offline.textContent = words.offline || "offline";

  function store(value) {
    try { localStorage.setItem(KEY, JSON.stringify(value)); } catch (e) { /* full or off */ }
  }

  // The screen's id comes from the server with the page (signed for this installation, so a
  // made-up one is refused). The first one it got is kept, so a reload stays the same screen;
  // if the server refuses it (another installation's, or an old unsigned one), the page's own
  // takes its place.
  function screenId() {
    var id = null;
    try { id = localStorage.getItem("untold-screen-id"); } catch (e) { /* off */ }
    if (!id || id.indexOf(":") < 0) {
      id = config.screen;
      keepScreenId(id);
    }
    return id;
  }

  function keepScreenId(id) {
    try { localStorage.setItem("untold-screen-id", id); } catch (e) { /* off */ }
  }

  function rotationSeconds() {
    var installation = (state.feed && state.feed.installation) || config.installation;
    return config.rotate > 0 ? config.rotate : installation.rotation_seconds;
  }

  function layout() {
    var installation = (state.feed && state.feed.installation) || config.installation;
    return installation.layout === "mosaic" ? "mosaic" : "single";
  }

  function list() {
    return state.feed && !state.feed.paused ? state.feed.stories : [];
  }

  function sizeClass(text) {
    if (text.length < 220) return "size-l";
    if (text.length < 700) return "size-m";
    return "size-s";
  }

  function warnings(story) {
    var warn = (state.feed && state.feed.warn_labels) || [];
    return story.labels.filter(function (label) { return warn.indexOf(label) >= 0; });
  }

  function storyNode(story) {
    var article = document.createElement("article");
    article.className = "story " + sizeClass(story.text);
    article.lang = story.language || "";
    article.dataset.id = story.id;
    var p = document.createElement("p");
    p.textContent = story.text;
    article.appendChild(p);
    return article;
  }

  function warningNode(story, labels) {
    var article = document.createElement("article");
    article.className = "story warning-card";
    article.dataset.warningFor = story.id;
    config.languages.forEach(function (code) {
      var w = config.strings[code];
      var p = document.createElement("p");
      p.lang = code;
      p.textContent = w.warning + " " + labels.map(function (l) { return w.labels[l] || l; }).join(", ");
      article.appendChild(p);
    });
    return article;
  }

  // The installation's one statistic (figures), shown after every STATISTIC_EVERY stories.
  var STATISTIC_EVERY = 5;

  function statistic() {
    var installation = state.feed && state.feed.installation;
    return (installation && installation.statistic) || null;
  }

  function statisticNode(figures) {
    var article = document.createElement("article");
    article.className = "story statistic-card";
    config.languages.forEach(function (code) {
      var words = figures.words[code];
      if (!words) return;
      var block = document.createElement("div");
      block.lang = code;
      var title = document.createElement("p");
      title.className = "statistic-question";
      title.textContent = words.question;
      block.appendChild(title);
      var list = document.createElement("ul");
      words.answers.forEach(function (answer, i) {
        var item = document.createElement("li");
        item.textContent = answer + ": " + figures.counts[i];
        list.appendChild(item);
      });
      block.appendChild(list);
      var source = document.createElement("p");
      source.className = "statistic-source";
      source.textContent = words.source;
      block.appendChild(source);
      article.appendChild(block);
    });
    return article;
  }

  function show(node) {
    node.classList.add("entering");
    stories.appendChild(node);
    // Next frame: let the transition run (CSS turns it off for reduced motion).
    requestAnimationFrame(function () { requestAnimationFrame(function () { node.classList.remove("entering"); }); });
  }

  function clearStage() {
    while (stories.firstChild) stories.removeChild(stories.firstChild);
  }

  function tick() {
    clearTimeout(state.timer);
    var items = list();
    var empty = items.length === 0;
    invite.hidden = !empty;
    pausedLine.hidden = !(state.feed && state.feed.paused);
    root.dataset.storyCount = String(items.length);
    if (empty) { clearStage(); return; }
    var seconds = rotationSeconds();
    var figures = statistic();
    state.shown = (state.shown || 0) + 1;
    if (figures && state.shown % (STATISTIC_EVERY + 1) === 0) {
      if (layout() === "single") clearStage();
      else while (stories.children.length >= Math.min(MOSAIC_TILES, items.length)) stories.removeChild(stories.children[0]);
      show(statisticNode(figures));
      state.timer = setTimeout(tick, seconds * 1000);
      return;
    }
    var story = items[state.index % items.length];
    state.index = (state.index + 1) % items.length;
    var labels = warnings(story);
    if (layout() === "single") {
      clearStage();
      if (labels.length) {
        show(warningNode(story, labels));
        state.timer = setTimeout(function () {
          clearStage();
          show(storyNode(story));
          state.timer = setTimeout(tick, seconds * 1000);
        }, Math.max(1, seconds / 3) * 1000);
        return;
      }
      show(storyNode(story));
    } else {
      // Mosaic: the oldest tile gives way to the next story.
      var tiles = stories.children;
      var limit = Math.min(MOSAIC_TILES, items.length);
      while (tiles.length >= limit) stories.removeChild(tiles[0]);
      show(labels.length ? warningNode(story, labels) : storyNode(story));
    }
    state.timer = setTimeout(tick, seconds * 1000);
  }

  function apply(feed, etag) {
    state.feed = feed;
    state.etag = etag;
    state.index = 0;
    clearStage();  // the whole set is replaced: a withdrawn story leaves at once
    var installation = feed.installation;
    if (installation && installation.helplines) {
      while (helplines.firstChild) helplines.removeChild(helplines.firstChild);
      config.languages.forEach(function (code) {
        if (!installation.helplines[code]) return;
        var p = document.createElement("p");
        p.lang = code;
        p.textContent = installation.helplines[code];
        helplines.appendChild(p);
      });
    }
    document.body.classList.toggle("layout-mosaic", layout() === "mosaic");
    document.body.classList.toggle("layout-single", layout() === "single");
    root.dataset.feedVersion = etag || "";
    tick();
  }

  function fetchPage(url, etag) {
    var headers = { Accept: "application/json" };
    if (etag) headers["If-None-Match"] = etag;
    return fetch(url, { headers: headers, cache: "no-store", credentials: "omit" }).then(function (response) {
      if (response.status === 304) return null;
      if (!response.ok) throw new Error("feed answered " + response.status);
      return response.json().then(function (body) {
        return { etag: response.headers.get("ETag"), body: body };
      });
    });
  }

  function fetchFeed() {
    return fetchPage(config.feed, state.etag).then(function (first) {
      if (!first) return false;
      var feed = first.body;
      var all = feed.stories.slice();
      var warn = feed.warn_labels.slice();
      function more(next, count) {
        if (!next || count >= MAX_PAGES) return Promise.resolve();
        return fetchPage(config.feed + "?after=" + encodeURIComponent(next), null).then(function (page) {
          all = all.concat(page.body.stories);
          warn = warn.concat(page.body.warn_labels);
          return more(page.body.next, count + 1);
        });
      }
      return more(feed.next, 1).then(function () {
        feed.stories = all;
        feed.warn_labels = warn;
        feed.next = null;
        store({ etag: first.etag, feed: feed });
        apply(feed, first.etag);
        return true;
      });
    });
  }

  function heartbeat() {
    var now = Date.now();
    if (now - state.lastBeat < 60000) return;
    state.lastBeat = now;
    var id = screenId();
    fetch(config.heartbeat, {
      method: "POST", cache: "no-store", credentials: "omit",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ screen: id })
    }).then(function (response) {
      root.dataset.heartbeat = String(response.status);
      if (response.status === 400 && id !== config.screen) {
        keepScreenId(config.screen);
        state.lastBeat = 0;  // beat again with it on the next poll
      }
    }).catch(function () { /* the next poll tries again */ });
  }

  function poll() {
    fetchFeed().then(function () {
      state.failures = 0;
      offline.hidden = true;
      root.dataset.online = "1";
      heartbeat();
      later(config.poll);
    }, function () {
      state.failures += 1;
      offline.hidden = false;
      root.dataset.online = "0";
      var cap = Math.max(config.poll, Math.min(config.poll * 8, 300));
      var delay = Math.min(cap, config.poll * Math.pow(2, state.failures - 1));
      later(delay * (0.8 + Math.random() * 0.4));
    });
  }

  function later(seconds) {
    setTimeout(poll, seconds * 1000);
  }

  // The daily reload contains the browser's memory growth. It happens only when the server
  // says it is healthy; the service worker still serves this page if that changes meanwhile.
  function reloadDue() {
    if (config.reload_every > 0) return Date.now() - bootedAt >= config.reload_every * 1000;
    return new Date().getHours() === config.reload_hour && Date.now() - bootedAt > 3600 * 1000;
  }

  function reloadCheck() {
    if (!reloadDue()) return;
    root.dataset.reloadChecks = String(Number(root.dataset.reloadChecks || 0) + 1);
    fetch(config.health, { cache: "no-store", credentials: "omit" }).then(function (response) {
      if (response.ok) location.reload();
    }).catch(function () { /* keep showing what we have; check again later */ });
  }

  function keepForOffline() {
    if (!("serviceWorker" in navigator) || !window.caches) return;
    navigator.serviceWorker.register("/wall/sw.js", { scope: "/wall/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function () {
      var assets = [location.href];
      document.querySelectorAll("link[rel=stylesheet], script[src], img.qr").forEach(function (el) {
        assets.push(el.href || el.src);
      });
      return caches.open("untold-wall-v1").then(function (cache) { return cache.addAll(assets); });
    }).then(function () {
      root.dataset.offlineReady = "1";
    }).catch(function () { /* the page still works; only the offline reload is not covered */ });
  }

  try {
    var saved = JSON.parse(localStorage.getItem(KEY) || "null");
    if (saved && saved.feed && Array.isArray(saved.feed.stories)) apply(saved.feed, saved.etag);
    else tick();
  } catch (e) { tick(); }
  poll();
  keepForOffline();
  setInterval(reloadCheck, config.reload_every > 0 ? Math.min(1000, config.reload_every * 500) : 60000);
})();
