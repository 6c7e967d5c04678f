/* The registration form, enhanced (it works without this script):
   - back on the fieldset the person was working on after "add another camera" and the other
     buttons that reload the page (the server marks it with autofocus; the URL names it);
   - USWDS's file input in the page's language (its own words are English);
   - a "Did you mean" address, once chosen, fills the address fields. */
(function () {
  "use strict";
  var form = document.querySelector("form.registration-form");
  if (!form) { return; }

  function focusWorkedOn() {
    var target = form.querySelector("[autofocus]");
    if (!target && window.location.hash.length > 1) {
      target = document.getElementById(window.location.hash.slice(1));
    }
    if (!target || !form.contains(target) || document.activeElement === target) { return; }
    if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "start" });
  }

  // USWDS's file input --------------------------------------------------------------
  var words = {};
  var source = document.getElementById("file-input-text");
  if (source) {
    try { words = JSON.parse(source.textContent) || {}; } catch (e) { words = {}; }
  }
  var prefix = "You have selected the file:";

  function translated(text) {
    if (!text) { return text; }
    var trimmed = text.trim();
    if (Object.prototype.hasOwnProperty.call(words, trimmed)) { return words[trimmed]; }
    if (trimmed.indexOf(prefix) === 0 && words[prefix]) {
      return words[prefix] + trimmed.slice(prefix.length);
    }
    // "Drag file here or choose from folder" (an aria-label of both sentences).
    for (var key in words) {
      if (Object.prototype.hasOwnProperty.call(words, key) && trimmed.indexOf(key + " ") === 0) {
        var rest = trimmed.slice(key.length + 1);
        if (Object.prototype.hasOwnProperty.call(words, rest)) { return words[key] + " " + words[rest]; }
      }
    }
    return text;
  }

  function translateInput(root) {
    root.querySelectorAll(".usa-file-input__drag-text, .usa-file-input__choose, .usa-sr-only, .usa-file-input__preview-heading").forEach(function (element) {
      element.childNodes.forEach(function (node) {
        if (node.nodeType === Node.TEXT_NODE) {
          var text = translated(node.textContent);
          if (text !== node.textContent) { node.textContent = text; }
        }
      });
    });
    root.querySelectorAll("input.usa-file-input__input, input[type=file]").forEach(function (input) {
      var label = input.getAttribute("aria-label");
      var text = translated(label);
      if (label && text !== label) { input.setAttribute("aria-label", text); }
    });
  }

  function watchFileInputs() {
    translateInput(form);
    if (!window.MutationObserver) { return; }
    var observer = new MutationObserver(function (records) {
      records.forEach(function (record) {
        var node = record.target.nodeType === Node.ELEMENT_NODE ? record.target : record.target.parentNode;
        var box = node && node.closest ? node.closest(".usa-file-input") : null;
        if (box) { translateInput(box); }
      });
    });
    observer.observe(form, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ["aria-label"] });
  }

  // "Did you mean" ------------------------------------------------------------------
  function followSuggestions() {
    form.addEventListener("change", function (event) {
      var radio = event.target;
      if (!radio.matches || !radio.matches(".address-suggestions input[type=radio]") || !radio.value) { return; }
      var site = radio.closest(".site-fieldset");
      var fill = { street: radio.dataset.street, city: radio.dataset.city, postcode: radio.dataset.postcode };
      Object.keys(fill).forEach(function (name) {
        var input = site.querySelector("[name$='-" + name + "']");
        if (input && fill[name]) { input.value = fill[name]; }
      });
      site.dispatchEvent(new CustomEvent("camreg:address-found", {
        bubbles: true,
        detail: { lat: parseFloat(radio.dataset.lat), lon: parseFloat(radio.dataset.lon) },
      }));
    });
  }

  // The compass point beside a camera's direction -------------------------------------
  function followDirections() {
    var faces = "%(direction)s";
    var wordsEl = document.getElementById("compass-words");
    if (wordsEl) {
      try { faces = JSON.parse(wordsEl.textContent).faces || faces; } catch (e) { /* keep */ }
    }
    var points = Array.prototype.map.call(
      document.querySelectorAll("#compass-points option"),
      function (option) { return option.textContent.split(" (")[0]; }
    );
    function degreesOf(text) {
      var value = String(text || "").trim();
      if (/^-?\d{1,3}\s*°?$/.test(value)) { return parseInt(value, 10); }
      return null;
    }
    function update(input) {
      var camera = input.closest(".camera-fieldset");
      var out = camera && camera.querySelector("[data-role=compass-readout]");
      if (!out || points.length !== 16) { return; }
      var degrees = degreesOf(input.value);
      if (degrees === null || degrees < 0 || degrees > 359) { out.textContent = ""; return; }
      var point = points[Math.round(degrees / 22.5) % 16];
      out.textContent = faces.replace("%(direction)s", point + " (" + degrees + "°)");
    }
    form.addEventListener("input", function (event) {
      if (event.target.matches && event.target.matches("[data-role=direction]")) { update(event.target); }
    });
    // The map sets the direction when a camera is aimed.
    form.addEventListener("camreg:direction-set", function (event) { update(event.target); });
  }

  function start() {
    followDirections();
    watchFileInputs();
    followSuggestions();
    focusWorkedOn();
  }
  // After USWDS (an earlier deferred script) has built its components on DOMContentLoaded.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { window.setTimeout(start, 0); });
  } else {
    window.setTimeout(start, 0);
  }
})();
