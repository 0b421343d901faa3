// Workforce shell behaviour. No inline scripts anywhere (the CSP forbids them): everything
// page-wide lives here, keyed off data- attributes.
(function () {
  "use strict";

  // Confirm before destructive actions: <form data-confirm="…">. Uses the <dialog> in base.html.
  function confirmThen(message, proceed) {
    var dialog = document.getElementById("confirm-dialog");
    if (!dialog || typeof dialog.showModal !== "function") {
      if (window.confirm(message)) proceed();
      return;
    }
    dialog.querySelector(".confirm-message").textContent = message;
    dialog.returnValue = "";
    dialog.addEventListener("close", function onClose() {
      dialog.removeEventListener("close", onClose);
      if (dialog.returnValue === "ok") proceed();
    });
    dialog.showModal();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirm || form.dataset.confirmed === "1") return;
    event.preventDefault();
    confirmThen(form.dataset.confirm, function () {
      form.dataset.confirmed = "1";
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    });
  });

  // One submit per form: a second tap on a slow network must not post twice. The server still
  // de-duplicates with idempotency keys; this only spares the round trip.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") return;
    if (form.hasAttribute("hx-post")) return;
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) { b.disabled = true; });
    }, 0);
  });

  // htmx confirm prompts use the same dialog as forms.
  document.addEventListener("htmx:confirm", function (event) {
    if (!event.detail.question) return;
    event.preventDefault();
    confirmThen(event.detail.question, function () { event.detail.issueRequest(true); });
  });

  // Shared tablets: after the idle timeout the server has ended the session; show the sign-in
  // page instead of leaving personal records on screen.
  var idle = parseInt(document.body.dataset.idleSeconds || "0", 10);
  if (idle > 0) {
    var timer;
    var reset = function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { window.location.assign("/login?next=" + encodeURIComponent(location.pathname)); }, idle * 1000 + 2000);
    };
    ["htmx:afterRequest"].forEach(function (name) { document.addEventListener(name, reset, { passive: true }); });
    reset();
  }
})();

// Filter forms: leave empty fields out of GET requests so pushed URLs stay short and bookmarkable.
document.addEventListener("htmx:configRequest", function (event) {
  if (event.detail.verb !== "get" || !event.detail.formData) return;
  var empty = [];
  event.detail.formData.forEach(function (value, key) { if (value === "") empty.push(key); });
  empty.forEach(function (key) { event.detail.formData.delete(key); });
});

// Navigation menus are <details>: close an open one when the user taps elsewhere or opens another.
document.addEventListener("click", function (event) {
  document.querySelectorAll("details.nav-group[open]").forEach(function (menu) {
    if (!menu.contains(event.target)) menu.removeAttribute("open");
  });
});

// Back pressed twice in quick succession: each step fetches its page from the server (no history
// cache on shared tablets), and an older answer arriving last would overwrite the newer page under
// the newer URL. Abort the superseded request.
(function () {
  var pending = null;
  document.addEventListener("htmx:historyCacheMiss", function (event) {
    if (pending && pending.readyState !== XMLHttpRequest.DONE) pending.abort();
    pending = event.detail.xhr;
  });
})();
