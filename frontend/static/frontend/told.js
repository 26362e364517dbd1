// Ask before leaving the receipt page until she confirms she saved the code (shown once).
(function () {
  var saved = document.getElementById("saved");
  if (!saved) return;
  window.addEventListener("beforeunload", function (event) {
    if (!saved.checked) { event.preventDefault(); event.returnValue = ""; }
  });
})();
