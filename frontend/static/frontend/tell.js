// The tell form's proof of work, with the vendored ALTCHA widget. If anything here cannot run
// (no secure context, no Web Crypto, no workers, an old browser), the form is sent without a
// proof and the server's time lock applies instead: nothing she wrote is ever lost.
(function () {
  "use strict";
  var form = document.getElementById("tell-form");
  var mount = document.getElementById("pow");
  var stringsNode = document.getElementById("pow-strings");
  var status = document.getElementById("send-status");
  if (!form || !mount || !stringsNode) return;
  var capable = window.isSecureContext && window.crypto && window.crypto.subtle &&
    window.Worker && window.customElements && window.$altcha;
  if (!capable) return;

  var strings = JSON.parse(stringsNode.textContent);
  var language = document.documentElement.lang || "en";
  window.$altcha.algorithms.set("SHA-256", function () {
    return new Worker(mount.getAttribute("data-worker"));
  });
  window.$altcha.i18n.set(language, strings);

  var widget = document.createElement("altcha-widget");
  widget.setAttribute("challenge", mount.getAttribute("data-challenge"));
  widget.setAttribute("language", language);
  widget.setAttribute("display", "invisible");
  widget.setAttribute("name", "altcha-widget");
  widget.setAttribute("configuration", JSON.stringify({
    hideFooter: true,
    hideLogo: true,
    humanInteractionSignature: false,  // no record of how she moves or types
    minDuration: 0,
  }));
  mount.appendChild(widget);

  var field = document.createElement("input");
  field.type = "hidden";
  field.name = "altcha";
  form.appendChild(field);
  form.setAttribute("data-own-submit", "");

  function solve() {
    return new Promise(function (resolve, reject) {
      function onVerified(event) {
        cleanup();
        resolve(event.detail && event.detail.payload);
      }
      function onState(event) {
        var state = event.detail && event.detail.state;
        if (state === "error" || state === "expired") {
          cleanup();
          reject(new Error(state));
        }
      }
      function cleanup() {
        widget.removeEventListener("verified", onVerified);
        widget.removeEventListener("statechange", onState);
      }
      widget.addEventListener("verified", onVerified);
      widget.addEventListener("statechange", onState);
      widget.verify();
    });
  }

  var busy = false;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) return;
    busy = true;
    var submitter = event.submitter;
    if (status) status.textContent = strings.waitAlert;
    solve().then(function (payload) {
      field.value = payload || "";
    }, function () {
      field.value = "";
    }).then(function () {
      return window.untoldSubmit(form, submitter);
    }).then(function () {
      busy = false;
    });
  });
})();
