// The incident report form on a shop-floor tablet with flaky Wi-Fi. No framework, no inline script.
//
// - Every submit is first stored on the device (IndexedDB: the fields, the idempotency key, the photo as a
//   Blob), then sent with fetch. If there is no connection it stays, shown as "waiting to send", and goes
//   when the browser reports `online` again (or the form is next opened). It is deleted from the device
//   only after the server answered; a resend after a lost answer is harmless because the server keeps one
//   record per idempotency key.
// - Queued reports belong to the user who made them; another user signed in on the same tablet does not
//   send them under their own name.
// - Also: the station picker follows the chosen site, and chosen people can be removed.
(function () {
  "use strict";

  var form = document.querySelector("form[data-offline-report]");
  if (!form) return;

  var DB_NAME = "workforce-offline";
  var STORE = "incident-reports";
  var user = form.dataset.user || "";
  var flushing = false;
  var inFlight = {}; // idempotency keys being sent right now: never two requests for one report

  // ------------------------------------------------------------------ storage (IndexedDB)
  function openDb() {
    return new Promise(function (resolve, reject) {
      if (!window.indexedDB) { reject(new Error("IndexedDB unavailable")); return; }
      var request = window.indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        if (!request.result.objectStoreNames.contains(STORE)) {
          request.result.createObjectStore(STORE, { keyPath: "key" });
        }
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, action) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = action(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(result && "result" in result ? result.result : undefined); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function putItem(item) { return withStore("readwrite", function (s) { return s.put(item); }); }
  function deleteItem(key) { return withStore("readwrite", function (s) { return s.delete(key); }); }
  function allItems() { return withStore("readonly", function (s) { return s.getAll(); }).then(function (r) { return r || []; }); }

  // ------------------------------------------------------------------ helpers
  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // "Now" on the chosen site's wall clock (the server gives each site's UTC offset), whatever zone the
  // tablet itself is set to.
  function siteNow() {
    var option = siteSelect && siteSelect.selectedOptions[0];
    var offset = option && option.dataset.utcOffset ? parseInt(option.dataset.utcOffset, 10) : -new Date().getTimezoneOffset();
    return new Date(Date.now() + offset * 60000).toISOString().slice(0, 16);
  }

  function snapshot() {
    var fields = [];
    var photo = null;
    new FormData(form).forEach(function (value, name) {
      if (name === "q") return;
      if (typeof value === "string") fields.push([name, value]);
      else if (value && value.size) photo = value;
    });
    var title = (form.querySelector("[name=title]") || {}).value || "(no title)";
    return { key: form.querySelector("[name=idempotency_key]").value, user: user, title: title,
             savedAt: new Date().toISOString(), fields: fields, photo: photo, error: "" };
  }

  function csrfToken(item) {
    for (var i = 0; i < item.fields.length; i++) if (item.fields[i][0] === "_csrf_token") return item.fields[i][1];
    return "";
  }

  // ------------------------------------------------------------------ sending
  // Resolves {status: "sent"|"invalid"|"later"|"signin", body}; never rejects.
  function send(item) {
    if (inFlight[item.key]) return Promise.resolve({ status: "later" });
    inFlight[item.key] = true;
    var done = function (outcome) { delete inFlight[item.key]; return outcome; };
    return post(item).then(done, function () { return done({ status: "later" }); });
  }

  function post(item) {
    var data = new FormData();
    item.fields.forEach(function (pair) { data.append(pair[0], pair[1]); });
    if (item.photo) data.append("photo", item.photo, item.photo.name || "photo.jpg");
    return window.fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken(item) }
    }).then(function (response) {
      if (response.redirected && response.url.indexOf("/login") !== -1) return { status: "signin" };
      if (response.status === 200 || response.status === 201) {
        return response.json().then(function (body) { return { status: "sent", body: body }; });
      }
      if (response.status === 400) {
        return response.json().then(function (body) { return { status: "invalid", body: body }; },
                                    function () { return { status: "later" }; });
      }
      if (response.status === 401 || response.status === 403) return { status: "signin" };
      return { status: "later" };
    }, function () { return { status: "later" }; });
  }

  function flush() {
    if (flushing || !navigator.onLine) return Promise.resolve();
    flushing = true;
    return allItems().then(function (items) {
      var mine = items.filter(function (it) { return it.user === user && !it.error; });
      var chain = Promise.resolve();
      mine.forEach(function (item) {
        chain = chain.then(function () {
          return send(item).then(function (outcome) {
            if (outcome.status === "sent") {
              return deleteItem(item.key).then(function () {
                announce("Sent: “" + item.title + "” is incident " + outcome.body.id + ".");
              });
            }
            if (outcome.status === "invalid") {
              item.error = describeErrors(outcome.body);
              return putItem(item);
            }
            if (outcome.status === "signin") announce("Sign in again to send the waiting reports.");
            return undefined;
          });
        });
      });
      return chain;
    }).catch(function () { /* storage unavailable: nothing queued */ })
      .then(function () { flushing = false; return render(); });
  }

  function describeErrors(body) {
    var errors = (body && body.errors) || {};
    return Object.keys(errors).map(function (k) { return errors[k]; }).join(" ") || "The server refused it.";
  }

  // ------------------------------------------------------------------ the page
  var queueBox = document.getElementById("offline-queue");
  var list = document.getElementById("offline-list");
  var status = document.getElementById("offline-status");
  var lastMessage = "";

  function announce(message) { lastMessage = message; }

  function render() {
    return allItems().then(function (items) {
      list.textContent = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.dataset.uitest = "queued-report";
        var text = document.createElement("span");
        var when = item.savedAt.slice(0, 16).replace("T", " ");
        if (item.user !== user) text.textContent = "“" + item.title + "” (" + when + "), waiting for " + item.user + " to sign in";
        else if (item.error) text.textContent = "“" + item.title + "” (" + when + ") was refused: " + item.error;
        else text.textContent = "“" + item.title + "” (" + when + ")" + (item.photo ? " with photo" : "") + ", waiting to send";
        li.appendChild(text);
        if (item.error && item.user === user) {
          var discard = document.createElement("button");
          discard.type = "button";
          discard.className = "btn";
          discard.textContent = "Discard";
          discard.addEventListener("click", function () { deleteItem(item.key).then(render); });
          li.appendChild(discard);
        }
        list.appendChild(li);
      });
      var waiting = items.length;
      queueBox.hidden = !waiting && !lastMessage;
      status.textContent = (navigator.onLine ? "" : "No connection: reports are kept on this tablet. ") + lastMessage;
      form.classList.toggle("is-offline", !navigator.onLine);
    }).catch(function () { queueBox.hidden = true; });
  }

  function resetForm() {
    // Not form.reset(): that would bring back the values the page was rendered with (a restored draft).
    ["title", "description", "immediate_action", "location_detail", "photo", "q"].forEach(function (name) {
      var input = form.querySelector("[name=" + name + "]");
      if (input) input.value = "";
    });
    form.querySelector("[name=idempotency_key]").value = newKey();
    if (whenInput) whenInput.value = siteNow();
    whenEdited = false;
    var chosen = document.getElementById("people-chosen");
    if (chosen) chosen.textContent = "";
    filterStations();
  }

  function showErrors(body) {
    form.querySelectorAll(".error[data-js]").forEach(function (el) { el.remove(); });
    form.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
    var errors = (body && body.errors) || {};
    var first = null;
    Object.keys(errors).forEach(function (name) {
      var input = form.querySelector("[name=" + name + "]");
      var box = input ? input.closest(".field") : form;
      var p = document.createElement("p");
      p.className = "error";
      p.dataset.js = "1";
      p.textContent = errors[name];
      box.classList.add("has-error");
      box.appendChild(p);
      if (!first && input) first = input;
    });
    if (first) first.focus();
  }

  form.addEventListener("submit", function (event) {
    if (!window.indexedDB || !window.fetch) return; // old browser: a plain post, still de-duplicated
    event.preventDefault();
    var button = form.querySelector("[type=submit]");
    var item = snapshot();
    putItem(item).then(function () {
      if (!navigator.onLine) return { status: "later" };
      if (button) button.disabled = true;
      return send(item);
    }, function () { return send(item); }).then(function (outcome) {
      if (button) button.disabled = false;
      if (outcome.status === "sent") {
        return deleteItem(item.key).then(function () { window.location.assign(outcome.body.url); });
      }
      if (outcome.status === "invalid") {
        return deleteItem(item.key).then(function () { showErrors(outcome.body); });
      }
      announce(outcome.status === "signin" ? "Sign in again to send the waiting reports."
                                           : "Saved on this tablet. It will be sent when the connection returns.");
      resetForm();
      return render();
    });
  });

  window.addEventListener("online", function () { flush(); });
  // A dropped connection does not always fire `offline`: retry now and then while reports wait.
  window.setInterval(function () { if (!queueBox.hidden) flush(); }, 30000);
  window.addEventListener("offline", function () { render(); });

  // ------------------------------------------------------------------ station picker and people
  var siteSelect = form.querySelector("[data-station-site]");
  var stationSelect = form.querySelector("[data-station-picker]");

  function filterStations() {
    if (!siteSelect || !stationSelect) return;
    var site = siteSelect.value;
    stationSelect.querySelectorAll("optgroup").forEach(function (group) {
      var show = !site || group.dataset.site === site;
      group.hidden = !show;
      group.disabled = !show;
    });
    var chosen = stationSelect.selectedOptions[0];
    if (chosen && chosen.dataset.site && site && chosen.dataset.site !== site) stationSelect.value = "";
  }

  // The time defaults to now until the person changes it; it follows the site's clock until then.
  var whenInput = form.querySelector("[data-when]");
  var defaultWhen = form.querySelector("[data-default-when]");
  var whenEdited = !defaultWhen; // a restored draft or a re-shown form keeps its time
  if (defaultWhen) {
    defaultWhen.remove(); // the script sends real times, also from the offline queue
    if (whenInput) whenInput.value = siteNow();
  }
  if (whenInput) whenInput.addEventListener("input", function () { whenEdited = true; });
  if (siteSelect) {
    siteSelect.addEventListener("change", function () {
      filterStations();
      if (!whenEdited && whenInput) whenInput.value = siteNow();
    });
  }
  if (stationSelect) {
    stationSelect.addEventListener("change", function () {
      var chosen = stationSelect.selectedOptions[0];
      if (chosen && chosen.dataset.site && siteSelect && !siteSelect.value) {
        siteSelect.value = chosen.dataset.site;
        filterStations();
        if (!whenEdited && whenInput) whenInput.value = siteNow();
      }
    });
  }
  form.addEventListener("click", function (event) {
    var button = event.target.closest("[data-remove-person]");
    if (!button) return;
    button.closest(".person-row").remove();
    form.dispatchEvent(new Event("change", { bubbles: true }));
  });

  filterStations();
  render().then(flush);
})();
