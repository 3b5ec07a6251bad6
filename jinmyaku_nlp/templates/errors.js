// Runs first: any later script error is recorded in the page (body[data-jmk-errors] and the
// #jmk-js-errors list) so that a reader, and the browser test, can see it happened.
window.jmkErrors = [];
document.documentElement.setAttribute("data-jmk-guard", "1");
window.addEventListener("error", function (ev) {
  var msg = (ev && ev.message) || "script error";
  window.jmkErrors.push(msg);
  var body = document.body;
  if (!body) { return; }
  body.setAttribute("data-jmk-errors", String(window.jmkErrors.length));
  var box = document.getElementById("jmk-js-errors");
  if (box) {
    var li = document.createElement("li");
    li.textContent = msg;
    box.appendChild(li);
    box.hidden = false;
  }
});
