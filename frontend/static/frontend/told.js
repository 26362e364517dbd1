// Ask before leaving the receipt page until she confirms she saved the code (shown once),
// but never stand in the way of the quick exit.
(function () {
  "use strict";
  var saved = document.getElementById("saved");
  if (!saved) return;
  window.addEventListener("beforeunload", function (event) {
    if (document.documentElement.hasAttribute("data-leaving")) return;
    if (!saved.checked) { event.preventDefault(); event.returnValue = ""; }
  });
})();
