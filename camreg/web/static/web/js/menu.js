/* USWDS's mobile menu, for pages that do not load USWDS's own script (which does the same,
   and then this one stands aside). The "Menu" button opens the navigation over the page;
   the close button, the overlay, Escape and a link close it. */
(function () {
  "use strict";
  var nav = document.querySelector(".usa-header .usa-nav");
  var button = document.querySelector(".usa-header .usa-menu-btn");
  if (!nav || !button) { return; }
  var overlay = document.querySelector(".usa-overlay");
  var closer = nav.querySelector(".usa-nav__close");

  function isOpen() { return nav.classList.contains("is-visible"); }

  function toggle(open) {
    document.body.classList.toggle("usa-js-mobile-nav--active", open);
    nav.classList.toggle("is-visible", open);
    if (overlay) { overlay.classList.toggle("is-visible", open); }
    button.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      (closer || nav.querySelector("a, button")).focus();
    } else {
      button.focus();
    }
  }

  function theirs() { return Boolean(window.uswdsPresent); }

  button.addEventListener("click", function () { if (!theirs()) { toggle(!isOpen()); } });
  if (closer) { closer.addEventListener("click", function () { if (!theirs()) { toggle(false); } }); }
  if (overlay) { overlay.addEventListener("click", function () { if (!theirs() && isOpen()) { toggle(false); } }); }
  document.addEventListener("keydown", function (event) {
    if (!theirs() && event.key === "Escape" && isOpen()) { toggle(false); }
  });
  // Keep keyboard focus inside the open menu.
  nav.addEventListener("keydown", function (event) {
    if (theirs() || event.key !== "Tab" || !isOpen()) { return; }
    var items = Array.prototype.filter.call(
      nav.querySelectorAll("a[href], button:not([disabled])"),
      function (element) { return element.offsetParent !== null; }
    );
    if (!items.length) { return; }
    var first = items[0];
    var last = items[items.length - 1];
    if (event.shiftKey && document.activeElement === first) { last.focus(); event.preventDefault(); }
    else if (!event.shiftKey && document.activeElement === last) { first.focus(); event.preventDefault(); }
  });
  // On a wider screen the navigation is always shown: leave the phone menu closed.
  window.addEventListener("resize", function () {
    if (!theirs() && isOpen() && window.getComputedStyle(button).display === "none") { toggle(false); }
  });
})();
