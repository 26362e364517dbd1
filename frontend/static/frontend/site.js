// Every survivor-facing page: the quick exit, and navigation that leaves no trail in the
// browser's history. Without JavaScript the quick exit is a plain link and forms post as usual.
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");

  // --- Quick exit: the button, or Esc twice, replaces this page with a neutral site. ---
  var exitLink = document.getElementById("quick-exit");
  var exitUrl = exitLink ? exitLink.href : "about:blank";
  var ESC_WINDOW_MS = 1500;
  var lastEsc = 0;

  function leave() {
    root.setAttribute("data-leaving", "");
    try {
      document.title = "";
      if (document.body) document.body.textContent = "";
    } catch (ignored) {}
    window.location.replace(exitUrl);
  }
  if (exitLink) {
    exitLink.addEventListener("click", function (event) {
      event.preventDefault();
      leave();
    });
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" && event.key !== "Esc") return;
    var now = Date.now();
    if (now - lastEsc <= ESC_WINDOW_MS) {
      leave();
    } else {
      lastEsc = now;
    }
  }, true);

  // --- Links inside the site replace the current history entry: Back never comes here. ---
  function sameSite(url) {
    return url.origin === window.location.origin;
  }
  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || link === exitLink || link.target || link.hasAttribute("download")) return;
    var url = new URL(link.href, window.location.href);
    if (!sameSite(url)) return;
    if (url.hash && url.pathname === window.location.pathname && url.search === window.location.search) return;
    event.preventDefault();
    window.location.replace(url.href);
  });

  // --- Forms: a GET replaces the entry; a POST is sent with fetch and its answer replaces
  // this document in place (document.open adds no history entry). ---
  function replaceDocument(html) {
    document.open();
    document.write(html);
    document.close();
  }

  function formBody(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    return new URLSearchParams(data);
  }

  // The attribute, not form.action: a field named "action" (the receipt page's buttons)
  // shadows that property, and the form would be sent to ".../[object RadioNodeList]".
  function formTarget(form) {
    return new URL(form.getAttribute("action") || window.location.href, window.location.href).href;
  }

  window.untoldSubmit = function (form, submitter) {
    var method = (form.getAttribute("method") || "get").toLowerCase();
    var body = formBody(form, submitter);
    if (method === "get") {
      var url = new URL(formTarget(form));
      url.search = body.toString();
      window.location.replace(url.href);
      return Promise.resolve();
    }
    return fetch(formTarget(form), {
      method: "POST",
      body: body,
      credentials: "omit",
      cache: "no-store",
      redirect: "follow",
    }).then(function (response) {
      return response.text();
    }).then(replaceDocument, function () {
      // The network failed: send the ordinary way, so nothing she wrote is lost.
      HTMLFormElement.prototype.submit.call(form);
    });
  };

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || form.hasAttribute("data-own-submit")) return;
    event.preventDefault();
    window.untoldSubmit(form, event.submitter);
  });

  // After a problem, bring her to it: focus the message, or the first field to fix.
  var problem = document.querySelector("[aria-invalid=true], #problem");
  if (problem) problem.focus();
})();
