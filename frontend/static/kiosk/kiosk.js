// The kiosk. It keeps nothing (DESIGN.md invariant 9): the story lives in this page's memory
// until it is sent or abandoned; after sending, and after a period without a touch (with a
// "still there?" countdown), everything is wiped back to the welcome screen. The only thing
// this browser stores is the device token, which names the machine, never a person.
(function () {
  "use strict";
  var TOKEN = "untold-kiosk-device";
  var config = JSON.parse(document.getElementById("kiosk-config").textContent);
  var $ = function (id) { return document.getElementById(id); };
  var screens = ["setup", "welcome", "closed", "tell", "sent"];
  var keyboard = new window.UntoldKeyboard($("keyboard"), config.keys);
  var current = "welcome";
  var lastActivity = Date.now();
  var receipt = null;
  var device = null;

  function token() {
    try { return localStorage.getItem(TOKEN) || ""; } catch (e) { return ""; }
  }

  function show(name) {
    current = name;
    screens.forEach(function (id) { $(id).hidden = id !== name; });
    $("still-there").hidden = true;
    if (name !== "tell" && name !== "setup") $("keyboard").hidden = true;
    document.documentElement.dataset.screen = name;
  }

  function helplines(installation) {
    document.querySelectorAll("[data-helplines]").forEach(function (box) {
      while (box.firstChild) box.removeChild(box.firstChild);
      var text = installation && installation.helplines && installation.helplines[config.lang];
      if (!text) return;
      var p = document.createElement("p");
      p.textContent = text;
      box.appendChild(p);
    });
  }

  // Wipe everything she typed or saw, back to the welcome screen.
  // The optional questions (frontend/_questions.html): a checked radio's slug, or null for
  // "prefer not to say"; the forms of violence as a list.
  function answers(form) {
    var chosen = {};
    ["relation", "age_band", "police", "knew_help"].forEach(function (key) {
      var checked = form.querySelector("input[name=" + key + "]:checked");
      chosen[key] = checked && checked.value ? checked.value : null;
    });
    chosen.forms = Array.prototype.map.call(form.querySelectorAll("input[name=forms]:checked"), function (box) { return box.value; });
    return chosen;
  }

  function wipe() {
    receipt = null;
    $("story-form").reset();
    $("questions").open = false;
    $("story-text").value = "";
    $("setup-code").value = "";
    $("receipt").textContent = "";
    $("tell-problem").hidden = true;
    $("tell-problem").textContent = "";
    $("send").disabled = false;
    if (document.activeElement) document.activeElement.blur();
    var selection = window.getSelection && window.getSelection();
    if (selection) selection.removeAllRanges();
    keyboard.reset(config.lang);
    show(device && !device.intake_open ? "closed" : token() ? "welcome" : "setup");
    document.documentElement.dataset.wipes = String(Number(document.documentElement.dataset.wipes || 0) + 1);
  }

  function activity() {
    lastActivity = Date.now();
    if (!$("still-there").hidden) $("still-there").hidden = true;
  }
  ["pointerdown", "keydown", "input", "touchstart"].forEach(function (name) {
    document.addEventListener(name, activity, true);
  });

  function idleCheck() {
    if (current !== "tell" && current !== "sent" && !(current === "setup" && $("setup-code").value)) return;
    var idle = (Date.now() - lastActivity) / 1000;
    if (idle < config.idle) return;
    var left = Math.ceil(config.idle + config.countdown - idle);
    if (left <= 0) { wipe(); return; }
    $("still-there").hidden = false;
    var words = config.countdown_words;
    $("countdown").textContent = words[Math.min(left, words.length - 1)];
  }
  setInterval(idleCheck, 200);

  function api(path, options) {
    options = options || {};
    var headers = { Accept: "application/json", "Accept-Language": config.lang, "X-Kiosk-Device": token() };
    if (options.body) headers["Content-Type"] = "application/json";
    return fetch(path, {
      method: options.method || "GET", headers: headers, cache: "no-store", credentials: "omit",
      body: options.body ? JSON.stringify(options.body) : undefined
    });
  }

  function configure(body) {
    device = body;
    helplines(body.installation);
  }

  function refresh() {
    if (!token()) { device = null; if (current === "welcome") show("setup"); return Promise.resolve(); }
    return api("/api/v1/kiosk/device/").then(function (response) {
      if (response.status === 403) {
        try { localStorage.removeItem(TOKEN); } catch (e) { /* off */ }
        device = null;
        if (current !== "tell" && current !== "sent") show("setup");
        return;
      }
      if (!response.ok) return;
      return response.json().then(function (body) {
        configure(body);
        if (current === "welcome" && !body.intake_open) show("closed");
        if (current === "closed" && body.intake_open) show("welcome");
      });
    }).catch(function () { /* offline: try again later */ });
  }

  $("setup-form").addEventListener("submit", function (event) {
    event.preventDefault();
    api("/api/v1/kiosk/setup/", { method: "POST", body: { code: $("setup-code").value } }).then(function (response) {
      if (!response.ok) throw new Error("setup");
      return response.json();
    }).then(function (body) {
      try { localStorage.setItem(TOKEN, body.token); } catch (e) { /* off */ }
      configure(body);
      wipe();
    }).catch(function () {
      $("setup-problem").textContent = $("w-setup-failed").textContent;
      $("setup-problem").hidden = false;
    });
  });

  $("start").addEventListener("click", function () {
    show("tell");
    $("story-text").focus();
  });
  $("cancel").addEventListener("click", wipe);

  $("story-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = $("story-form");
    var consent = form.querySelector("input[name=consent]:checked");
    $("send").disabled = true;
    api("/api/v1/kiosk/stories/", {
      method: "POST",
      body: { text: $("story-text").value, region: $("story-region").value, consent: consent ? consent.value : "", answers: answers(form) }
    }).then(function (response) {
      if (response.status === 503) { device = device || {}; device.intake_open = false; wipe(); return; }
      if (response.status === 403) { refresh(); throw new Error("device"); }
      return response.json().then(function (body) {
        if (!response.ok) {
          var messages = [];
          Object.keys(body).forEach(function (key) { messages = messages.concat(body[key]); });
          throw new Error(messages.join(" "));
        }
        // Shown only while she holds the button: the story is wiped from the page now.
        receipt = body;
        $("story-form").reset();
        $("questions").open = false;
        $("story-text").value = "";
        show("sent");
      });
    }).catch(function (error) {
      $("tell-problem").textContent = error && error.message && error.message !== "device" && error.message.indexOf("fetch") < 0
        ? error.message : $("w-failed").textContent;
      $("tell-problem").hidden = false;
    }).then(function () { $("send").disabled = false; });
  });

  var hold = $("hold");
  // Her eight words, one a line as a shopping list, and the code under them: shown only while held.
  function reveal() {
    if (!receipt) return;
    var words = document.createElement("ol");
    words.className = "receipt-words";
    (receipt.words || []).forEach(function (word) {
      var item = document.createElement("li");
      item.textContent = word;
      words.appendChild(item);
    });
    var code = document.createElement("span");
    code.className = "receipt-code";
    code.textContent = receipt.receipt;
    $("receipt").replaceChildren(words, code);
  }
  function conceal() { $("receipt").replaceChildren(); }
  hold.addEventListener("pointerdown", reveal);
  ["pointerup", "pointerleave", "pointercancel", "blur"].forEach(function (name) { hold.addEventListener(name, conceal); });
  hold.addEventListener("keydown", function (event) { if (event.key === " " || event.key === "Enter") reveal(); });
  hold.addEventListener("keyup", conceal);
  hold.addEventListener("contextmenu", function (event) { event.preventDefault(); });
  $("no-receipt").addEventListener("click", wipe);
  $("done").addEventListener("click", wipe);
  $("here").addEventListener("click", activity);

  keyboard.reset(config.lang);
  show(token() ? "welcome" : "setup");
  refresh();
  setInterval(refresh, 300000);
})();
