/* Untold moderator workspace: redaction editor, blur, claim renewal, keyboard shortcuts.
 * No inline scripts (the Content-Security-Policy forbids them): data comes from
 * <script type="application/json"> blocks, which are never executed.
 *
 * Offsets: the server and the screeners count Unicode code points (Python string indices);
 * the browser's selection counts UTF-16 code units. An emoji is one code point but two
 * UTF-16 units, so every offset from the browser is converted before it leaves this file.
 */
(function () {
  "use strict";

  function $(selector, root) { return (root || document).querySelector(selector); }
  function $$(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  /* The number of code points in the first `utf16Index` UTF-16 units of `text`. */
  function codePointOffset(text, utf16Index) {
    var count = 0;
    for (var i = 0; i < utf16Index && i < text.length; i++) {
      var unit = text.charCodeAt(i);
      // A high surrogate followed by a low one is a single code point.
      if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
        var next = text.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) { i++; }
      }
      count++;
    }
    return count;
  }
  window.untoldCodePointOffset = codePointOffset;

  function csrfToken() {
    var input = $("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // --- The story page -------------------------------------------------------------------
  var review = $("#review");
  var storyText = $("#story-text");
  var spans = [];
  var stored = [];  // the redactions saved on the story when the page was opened
  var chars = [];
  var words = {};  // placeholder -> its word in the story's language, as the wall shows it

  function normalize(list) {
    var sorted = list.slice().sort(function (a, b) { return a.start - b.start || a.end - b.end; });
    var merged = [];
    sorted.forEach(function (span) {
      var last = merged[merged.length - 1];
      if (last && span.start < last.end) {
        last.end = Math.max(last.end, span.end);
      } else {
        merged.push({ start: span.start, end: span.end, placeholder: span.placeholder });
      }
    });
    return merged;
  }

  function redacted() {
    var out = "";
    var at = 0;
    spans.forEach(function (span) {
      out += chars.slice(at, span.start).join("") + (words[span.placeholder] || span.placeholder);
      at = span.end;
    });
    return out + chars.slice(at).join("");
  }

  /* Saved redactions the moderator took out: the server removes a saved one only when the
   * request names it, so a decision without this list keeps every saved redaction. */
  function removedSpans() {
    return stored.filter(function (old) {
      return !spans.some(function (span) { return span.start <= old.start && old.end <= span.end; });
    });
  }

  function render() {
    $("#redactions-input").value = JSON.stringify(spans);
    $("#unredact-input").value = JSON.stringify(removedSpans());
    $("#preview").textContent = redacted();
    var list = $("#redaction-list");
    list.textContent = "";
    spans.forEach(function (span, index) {
      var item = document.createElement("li");
      var original = document.createElement("span");
      original.className = "redacted-words";
      original.textContent = chars.slice(span.start, span.end).join("");
      var arrow = document.createTextNode(" → " + span.placeholder + " ");
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "link";
      remove.textContent = "×";
      remove.setAttribute("aria-label", list.dataset.removeLabel || "remove");
      remove.addEventListener("click", function () { spans.splice(index, 1); render(); });
      item.appendChild(original);
      item.appendChild(arrow);
      item.appendChild(remove);
      list.appendChild(item);
    });
    $$(".seg", storyText).forEach(function (seg) {
      var start = Number(seg.dataset.start);
      var end = Number(seg.dataset.end);
      var inside = spans.some(function (span) { return span.start <= start && end <= span.end; });
      seg.classList.toggle("redacted", inside);
    });
  }

  function add(start, end, placeholder) {
    if (start === null || end === null || end <= start) { return false; }
    // Leave out the spaces a double-click or a drag picks up at either end.
    while (start < end && /\s/.test(chars[start])) { start++; }
    while (end > start && /\s/.test(chars[end - 1])) { end--; }
    if (end <= start) { return false; }
    spans.push({ start: start, end: end, placeholder: placeholder });
    spans = normalize(spans);
    render();
    return true;
  }

  /* A point of the DOM selection as a code-point offset into the story's text. */
  function pointOf(node, offset) {
    if (node.nodeType === Node.TEXT_NODE) {
      var seg = node.parentElement && node.parentElement.closest(".seg");
      if (!seg || !storyText.contains(seg)) { return null; }
      return Number(seg.dataset.start) + codePointOffset(node.data, offset);
    }
    if (node === storyText) {
      var segs = storyText.children;
      return offset >= segs.length ? chars.length : Number(segs[offset].dataset.start);
    }
    var element = node.closest ? node.closest(".seg") : null;
    if (element && storyText.contains(element)) {
      return offset === 0 ? Number(element.dataset.start) : Number(element.dataset.end);
    }
    return null;
  }

  function redactSelection() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) { return false; }
    var range = selection.getRangeAt(0);
    var start = pointOf(range.startContainer, range.startOffset);
    var end = pointOf(range.endContainer, range.endOffset);
    var done = add(start, end, $("#placeholder").value);
    if (done) { selection.removeAllRanges(); }
    return done;
  }

  function applySuggestions() {
    (data("suggestions-data") || []).forEach(function (s) {
      spans.push({ start: s.start, end: s.end, placeholder: s.placeholder });
    });
    spans = normalize(spans);
    render();
  }

  function toggleBlur() { review.classList.toggle("blurred"); }

  if (review && storyText) {
    chars = Array.from(data("story-text-data") || "");
    words = data("placeholder-words") || {};
    stored = normalize(data("redactions-data") || []);
    spans = stored.map(function (span) { return Object.assign({}, span); });
    render();
    $("#reveal").addEventListener("click", toggleBlur);
    $("#redact-selection").addEventListener("click", redactSelection);
    $("#apply-suggestions").addEventListener("click", applySuggestions);
    $$(".redact-finding").forEach(function (button) {
      button.addEventListener("click", function () {
        add(Number(button.dataset.start), Number(button.dataset.end), button.dataset.placeholder);
      });
    });
    var reason = $("#reason");
    if (reason) {
      reason.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && reason.value) { event.preventDefault(); $("#reject").click(); }
      });
    }

    // The claim lasts a few minutes; it is renewed while the moderator is active, so an
    // abandoned tab lets it expire and the story goes back to the queue by itself.
    var active = false;
    ["keydown", "mousemove", "scroll", "click", "selectionchange"].forEach(function (name) {
      document.addEventListener(name, function () { active = true; }, { passive: true });
    });
    var every = Math.max(15, Math.min(60, Number(review.dataset.claimSeconds) / 3)) * 1000;
    window.setInterval(function () {
      if (!active) { return; }
      active = false;
      fetch(review.dataset.renewUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken() },
      }).then(function (response) {
        if (response.status === 409) { $("#claim-lost").hidden = false; }
      }).catch(function () { /* offline for a moment: the next tick tries again */ });
    }, every);
  }

  // --- The queue page: counts (computed on the server for every request), a movable selection
  var tabs = $("#queue-tabs");
  if (tabs) {
    fetch(tabs.dataset.countsUrl, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (counts) {
        if (!counts) { return; }
        $$(".count[data-queue]").forEach(function (el) {
          if (el.dataset.queue in counts) { el.textContent = String(counts[el.dataset.queue]); }
        });
      })
      .catch(function () { /* the counts stay "…" */ });
  }

  // --- The queue page: a movable selection -----------------------------------------------
  var rows = $$(".queue-row:not(.claimed)");
  var selected = -1;
  function select(index) {
    if (!rows.length) { return; }
    selected = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach(function (row, i) { row.classList.toggle("selected", i === selected); });
    rows[selected].scrollIntoView({ block: "nearest" });
  }
  rows.forEach(function (row, index) {
    row.addEventListener("click", function (event) {
      if (event.target.closest("a, button")) { return; }
      select(index);
      window.location.href = row.dataset.href;
    });
  });

  // --- Keyboard shortcuts ----------------------------------------------------------------
  var help = $("#shortcuts");
  function click(selector) {
    var el = $(selector);
    if (el && !el.disabled) { el.click(); return true; }
    return false;
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || target.isContentEditable;
    if (event.key === "Escape") {
      if (help && help.open) { help.close(); }
      if (typing) { target.blur(); }
      return;
    }
    if (typing || (help && help.open && event.key !== "?")) { return; }
    var handled = true;
    if (event.key === "?") {
      if (help) { if (help.open) { help.close(); } else { help.showModal(); } }
    } else if (review) {
      switch (event.key) {
        case "a": handled = click("#approve"); break;
        case "x":
          if ($("#reason") && $("#reason").value) { handled = click("#reject"); }
          else if ($("#reason")) { $("#reason").focus(); }
          break;
        case "e": handled = click("#escalate"); break;
        case "r": toggleBlur(); break;
        case "s": applySuggestions(); break;
        case "d": handled = redactSelection(); break;
        case "j": case "n": handled = click("#go-next"); break;
        case "k": handled = click("#go-previous"); break;
        case "u": handled = click("#go-queue"); break;
        case "q": window.location.href = "/moderate/"; break;
        default: handled = false;
      }
    } else {
      switch (event.key) {
        case "j": select(selected + 1); break;
        case "k": select(selected - 1); break;
        case "Enter": case "o":
          if (selected >= 0) { window.location.href = rows[selected].dataset.href; } else { handled = false; }
          break;
        case "n": handled = click("#start-reviewing"); break;
        case "q": window.location.href = "/moderate/"; break;
        default: handled = false;
      }
    }
    if (handled) { event.preventDefault(); }
  });
})();
