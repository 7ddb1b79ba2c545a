// Drafts while typing (issue 12 item 2): a form marked data-draft="PATH" sends its fields
// to /drafts a few seconds after the user stops typing, so a timeout, a closed tab or a lost
// connection loses at most those seconds. The page shows whether the draft is kept.
(function () {
  "use strict";
  var DELAY_MS = 3000;
  document.querySelectorAll("form[data-draft]").forEach(function (form) {
    var timer = null;
    var status = form.querySelector("[data-draft-status]");
    function say(key) {
      if (status) { status.textContent = status.getAttribute("data-" + key) || ""; }
    }
    function send() {
      timer = null;
      var data = new FormData(form);
      data.set("path", form.getAttribute("data-draft"));
      fetch(form.getAttribute("data-draft-url"), {
        method: "POST", body: data, credentials: "same-origin", redirect: "manual"
      }).then(function (response) {
        say(response.status === 204 ? "saved" : "failed");
      }).catch(function () { say("failed"); });
    }
    form.addEventListener("input", function () {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(send, DELAY_MS);
    });
    form.addEventListener("submit", function () { if (timer) { clearTimeout(timer); } });
  });
})();
