// A warning before the idle timeout, with "Stay signed in" (issue 12 item 2). The body
// carries data-idle-seconds (the server's idle timeout); the warning shows two minutes
// before it ends, and the button posts to the keepalive URL, which starts the idle time again.
(function () {
  "use strict";
  var body = document.body;
  var idle = parseInt(body.getAttribute("data-idle-seconds") || "0", 10);
  var box = document.getElementById("idle-warning");
  if (!idle || !box) { return; }
  var WARN_BEFORE_S = Math.min(120, Math.floor(idle / 2));
  var warnTimer = null;
  function schedule() {
    if (warnTimer) { clearTimeout(warnTimer); }
    box.hidden = true;
    warnTimer = setTimeout(function () {
      box.hidden = false;
      var button = box.querySelector("button");
      if (button) { button.focus(); }
    }, (idle - WARN_BEFORE_S) * 1000);
  }
  box.querySelector("form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin", redirect: "manual"
    }).then(function (response) {
      if (response.status === 204) { schedule(); } else { window.location.reload(); }
    });
  });
  schedule();
})();
