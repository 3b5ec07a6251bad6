// Interactions of the jinmyaku reports. Progressive: every page reads fine without it (links,
// title tooltips). All text shown comes from the DOM's own attributes via textContent, never
// through innerHTML, so article text cannot turn into markup here either.
(function () {
  "use strict";

  function each(list, fn) {
    for (var k = 0; k < list.length; k++) { fn(list[k], k); }
  }

  // ---- article report --------------------------------------------------------------------
  function ArticleReport(root) {
    this.root = root;
    this.pinned = null;
    this.byPattern = {};  // pattern key -> elements to highlight (role sentences, badges, panel item)
    var self = this;
    each(root.querySelectorAll(".jmk-s[data-p]"), function (el) {
      each(el.getAttribute("data-p").split(" "), function (key) { self.members(key).push(el); });
    });
    each(root.querySelectorAll("[data-pkey]"), function (el) {
      self.members(el.getAttribute("data-pkey")).push(el);
    });
    this.inspector = root.querySelector(".jmk-inspector");
    root.addEventListener("mouseover", function (ev) { self.hover(ev, true); });
    root.addEventListener("mouseout", function (ev) { self.hover(ev, false); });
    root.addEventListener("focusin", function (ev) { self.hover(ev, true); });
    root.addEventListener("focusout", function (ev) { self.hover(ev, false); });
    root.addEventListener("click", function (ev) { self.click(ev); });
  }

  ArticleReport.prototype.members = function (key) {
    if (!this.byPattern[key]) { this.byPattern[key] = []; }
    return this.byPattern[key];
  };

  ArticleReport.prototype.mark = function (key, on) {
    each(this.members(key), function (el) { el.classList.toggle("jmk-hl", on); });
  };

  ArticleReport.prototype.hover = function (ev, on) {
    var el = ev.target.closest && ev.target.closest("[data-pkey]");
    if (!el || this.pinned !== null) { return; }
    this.mark(el.getAttribute("data-pkey"), on);
  };

  ArticleReport.prototype.pin = function (key) {
    if (this.pinned !== null) { this.mark(this.pinned, false); }
    this.pinned = this.pinned === key ? null : key;
    if (this.pinned !== null) { this.mark(this.pinned, true); }
    this.root.setAttribute("data-jmk-pinned", this.pinned === null ? "" : this.pinned);
  };

  ArticleReport.prototype.click = function (ev) {
    var t = ev.target;
    if (!t.closest) { return; }
    if (t.closest(".jmk-inspector-close")) { this.inspector.hidden = true; return; }
    var pat = t.closest("[data-pkey]");
    if (pat) {
      this.pin(pat.getAttribute("data-pkey"));
      if (pat.classList.contains("jmk-pat")) {
        // a pattern in the side panel: bring its first role sentence into view
        var first = this.root.querySelector(".jmk-s.jmk-hl");
        if (first && ev.target.tagName !== "A") { first.scrollIntoView({block: "center", behavior: "smooth"}); }
      }
    }
    var labelled = t.closest(".jmk-lbl");
    if (labelled) { this.inspect(labelled.getAttribute("title") || "", ""); return; }
    var sentence = t.closest(".jmk-s");
    if (sentence) {
      var text = sentence.querySelector(".jmk-text");
      this.inspect(sentence.getAttribute("title") || "", text ? text.textContent : "");
    }
  };

  // The inspector shows a label's tooltip ("label · rule … · cue …") one part per line.
  ArticleReport.prototype.inspect = function (title, text) {
    if (!this.inspector) { return; }
    var list = this.inspector.querySelector("dl");
    list.textContent = "";
    var parts = title.split(" · ");
    if (text) { parts.push("text " + text); }
    each(parts, function (part, k) {
      var cut = part.indexOf(" ");
      var known = /^(rule|cue|text)$/.test(part.slice(0, cut));
      var dt = document.createElement("dt");
      dt.textContent = known ? part.slice(0, cut) : (k === 0 ? "label" : "");
      var dd = document.createElement("dd");
      dd.textContent = known ? part.slice(cut + 1) : part;
      list.appendChild(dt);
      list.appendChild(dd);
    });
    this.inspector.hidden = false;
  };

  // ---- corpus report: sortable tables ---------------------------------------------------
  function sortable(table) {
    each(table.querySelectorAll("th button[data-col]"), function (button) {
      button.addEventListener("click", function () {
        var col = Number(button.getAttribute("data-col"));
        var numeric = button.hasAttribute("data-num");
        var desc = button.getAttribute("aria-sort") !== "descending";
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col].getAttribute("data-v") || a.cells[col].textContent;
          var y = b.cells[col].getAttribute("data-v") || b.cells[col].textContent;
          var cmp = numeric ? Number(x) - Number(y) : (x < y ? -1 : x > y ? 1 : 0);
          return desc ? -cmp : cmp;
        });
        each(table.querySelectorAll("th button[data-col]"), function (b) { b.removeAttribute("aria-sort"); });
        button.setAttribute("aria-sort", desc ? "descending" : "ascending");
        each(rows, function (row) { body.appendChild(row); });
      });
    });
  }

  each(document.querySelectorAll(".jmk-report:not([data-jmk-ready])"), function (root) {
    if (root.classList.contains("jmk-article-report")) { root.jmk = new ArticleReport(root); }
    each(root.querySelectorAll("table.jmk-sortable"), sortable);
    root.setAttribute("data-jmk-ready", "1");
  });
  // init finished without exception: the marker a test (or a curious reader) can look for
  if (document.body && document.body.hasAttribute("data-jmk-standalone")) {
    document.body.setAttribute("data-jmk-ready", "1");
  }
})();
