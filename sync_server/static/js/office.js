// Behaviour of the office pages, loaded from this server: the Content-Security-Policy
// (script-src 'self' through default-src) blocks inline scripts and on* handlers, so
// every button that needs a script is marked with a data- attribute and bound here.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  // "พิมพ์ (A4)": <button data-print>. window.print is looked up at click time.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
});
