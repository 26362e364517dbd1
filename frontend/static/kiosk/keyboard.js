// The kiosk's own keyboard: Kazakh, Russian and English layouts drawn in the page, so the
// operating system's keyboard never sees, learns or suggests one person's words to the next.
// It types into the focused field marked .kb-target (inputmode="none" keeps the system one shut).
(function () {
  "use strict";
  var LETTERS = {
    kk: [
      ["ә", "і", "ң", "ғ", "ү", "ұ", "қ", "ө", "һ"],
      ["й", "ц", "у", "к", "е", "н", "г", "ш", "щ", "з", "х", "ъ"],
      ["ф", "ы", "в", "а", "п", "р", "о", "л", "д", "ж", "э"],
      ["я", "ч", "с", "м", "и", "т", "ь", "б", "ю", "ё"]
    ],
    ru: [
      ["й", "ц", "у", "к", "е", "н", "г", "ш", "щ", "з", "х", "ъ"],
      ["ф", "ы", "в", "а", "п", "р", "о", "л", "д", "ж", "э"],
      ["я", "ч", "с", "м", "и", "т", "ь", "б", "ю", "ё"]
    ],
    en: [
      ["q", "w", "e", "r", "t", "y", "u", "i", "o", "p"],
      ["a", "s", "d", "f", "g", "h", "j", "k", "l"],
      ["z", "x", "c", "v", "b", "n", "m"]
    ],
    sym: [
      ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"],
      ["-", "/", ":", ";", "(", ")", "\"", "'", "«", "»"],
      ["!", "?", "@", "%", "+", "=", "№", "—"]
    ]
  };
  var NAMES = { kk: "ҚАЗ", ru: "РУС", en: "ENG", sym: "123" };

  // labels: the keys' names for a screen reader, in the page's language (frontend/kiosk.py).
  function Keyboard(root, labels) {
    this.root = root;
    this.labels = labels || {};
    this.layout = "en";
    this.shift = false;
    this.target = null;
    var self = this;
    // Keys never take the focus away from the field being typed into.
    root.addEventListener("mousedown", function (event) { event.preventDefault(); });
    root.addEventListener("click", function (event) {
      var key = event.target.closest("button");
      if (key) self.press(key);
    });
    document.addEventListener("focusin", function (event) {
      if (event.target.classList && event.target.classList.contains("kb-target")) {
        self.target = event.target;
        root.hidden = false;
      }
    });
  }

  Keyboard.prototype.draw = function () {
    var root = this.root;
    var self = this;
    while (root.firstChild) root.removeChild(root.firstChild);
    root.dataset.layout = this.layout;
    LETTERS[this.layout].forEach(function (row) {
      var line = document.createElement("div");
      line.className = "kb-row";
      row.forEach(function (ch) {
        var value = self.shift ? ch.toUpperCase() : ch;
        line.appendChild(self.key(value, { char: value }));
      });
      root.appendChild(line);
    });
    var bottom = document.createElement("div");
    bottom.className = "kb-row";
    var labels = this.labels;
    bottom.appendChild(this.key("⇧", { action: "shift", label: labels.shift || "Shift", pressed: this.shift }));
    ["kk", "ru", "en", "sym"].forEach(function (name) {
      bottom.appendChild(self.key(NAMES[name], { layout: name, label: labels[name], pressed: self.layout === name }));
    });
    bottom.appendChild(this.key(",", { char: "," }));
    bottom.appendChild(this.key("␣", { char: " ", label: labels.space || "Space", wide: true }));
    bottom.appendChild(this.key(".", { char: "." }));
    bottom.appendChild(this.key("⌫", { action: "backspace", label: labels.backspace || "Backspace" }));
    bottom.appendChild(this.key("↵", { char: "\n", label: labels.enter || "Enter" }));
    root.appendChild(bottom);
  };

  Keyboard.prototype.key = function (text, options) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "kb-key" + (options.wide ? " kb-wide" : "");
    button.textContent = text;
    if (options.label) button.setAttribute("aria-label", options.label);
    if (options.char !== undefined) button.dataset.char = options.char;
    if (options.action) button.dataset.action = options.action;
    if (options.layout) button.dataset.layout = options.layout;
    if (options.pressed !== undefined) button.setAttribute("aria-pressed", options.pressed ? "true" : "false");
    return button;
  };

  Keyboard.prototype.insert = function (text) {
    var field = this.target;
    if (!field) return;
    var start = field.selectionStart == null ? field.value.length : field.selectionStart;
    var end = field.selectionEnd == null ? start : field.selectionEnd;
    field.value = field.value.slice(0, start) + text + field.value.slice(end);
    field.selectionStart = field.selectionEnd = start + text.length;
    field.dispatchEvent(new Event("input", { bubbles: true }));
  };

  Keyboard.prototype.backspace = function () {
    var field = this.target;
    if (!field) return;
    var start = field.selectionStart == null ? field.value.length : field.selectionStart;
    var end = field.selectionEnd == null ? start : field.selectionEnd;
    if (start === end && start > 0) start -= 1;
    field.value = field.value.slice(0, start) + field.value.slice(end);
    field.selectionStart = field.selectionEnd = start;
    field.dispatchEvent(new Event("input", { bubbles: true }));
  };

  Keyboard.prototype.press = function (key) {
    if (key.dataset.char !== undefined) {
      this.insert(key.dataset.char);
      if (this.shift) { this.shift = false; this.draw(); }
    } else if (key.dataset.action === "backspace") {
      this.backspace();
    } else if (key.dataset.action === "shift") {
      this.shift = !this.shift;
      this.draw();
    } else if (key.dataset.layout) {
      this.layout = key.dataset.layout;
      this.shift = false;
      this.draw();
    }
    if (this.target) this.target.focus();
  };

  Keyboard.prototype.reset = function (layout) {
    this.layout = LETTERS[layout] ? layout : "en";
    this.shift = false;
    this.target = null;
    this.root.hidden = true;
    this.draw();
  };

  window.UntoldKeyboard = Keyboard;
})();
