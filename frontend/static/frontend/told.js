// Ask before leaving the receipt page until she confirms she saved her receipt (shown once),
// but never stand in the way of the quick exit, nor of checking what she saved (that form
// comes back to this page, with the receipt again if it does not match).
(function () {
  "use strict";
  var saved = document.getElementById("saved");
  if (!saved) return;
  var checking = false;
  var check = document.getElementById("saved-check");
  if (check) check.addEventListener("submit", function () { checking = true; });
  window.addEventListener("beforeunload", function (event) {
    if (checking || document.documentElement.hasAttribute("data-leaving")) return;
    if (!saved.checked) { event.preventDefault(); event.returnValue = ""; }
  });
})();
