// refdb serve: progressive enhancement only. Every page works without this file.
// - search as you type: a form with data-live="ID" refreshes the element ID as its fields change
// - copy buttons: data-copy="ID" copies that element's text
// - "/" focuses the page's search box
(function () {
  "use strict";

  function params(form) {
    var out = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (value !== "" && name !== "after") out.append(name, value);
    });
    return out;
  }

  function live(form) {
    var target = document.getElementById(form.getAttribute("data-live"));
    if (!target) return;
    var timer = null, seq = 0;
    function refresh() {
      var query = params(form).toString();
      var url = form.getAttribute("action") + (query ? "?" + query : "");
      var mine = ++seq;
      fetch(url, { headers: { "X-Refdb-Fragment": "results" }, credentials: "same-origin" })
        .then(function (r) { return r.text(); })
        .then(function (html) {
          if (mine !== seq) return; // a newer request is on its way
          target.innerHTML = html; // rendered and escaped by the server
          history.replaceState(null, "", url);
        })
        .catch(function () { /* the submit button still works */ });
    }
    form.addEventListener("input", function (e) {
      if (e.target.type === "checkbox" || e.target.tagName === "SELECT") return;
      clearTimeout(timer);
      timer = setTimeout(refresh, 250);
    });
    form.addEventListener("change", function (e) {
      if (e.target.type === "checkbox" || e.target.tagName === "SELECT") refresh();
    });
  }

  function copyText(text, button) {
    function done() {
      var note = button.nextElementSibling;
      if (note && note.classList.contains("copied")) {
        note.textContent = "copied";
        setTimeout(function () { note.textContent = ""; }, 2000);
      }
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done);
      return;
    }
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); done(); } finally { document.body.removeChild(area); }
  }

  // annotate (refdb serve --write, reading view): the selected passage and where it starts in the
  // source's text go into the form; refdb computes the anchor and the paragraph from them
  function annotate(form) {
    var shown = document.getElementById("selection");
    function paragraphOf(node) {
      var el = node.nodeType === 1 ? node : node.parentElement;
      return el ? el.closest("p.ptext") : null;
    }
    function update() {
      var sel = window.getSelection();
      if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return;
      var range = sel.getRangeAt(0);
      var para = paragraphOf(range.startContainer);
      if (!para) return;
      if (para !== paragraphOf(range.endContainer)) {
        shown.textContent = "Select within one paragraph.";
        return;
      }
      var before = document.createRange();
      before.setStart(para, 0);
      before.setEnd(range.startContainer, range.startOffset);
      var start = parseInt(para.getAttribute("data-start"), 10) + before.toString().length;
      var exact = range.toString();
      form.querySelector("#ann-exact").value = exact;
      form.querySelector("#ann-start").value = String(start);
      shown.textContent = "Selected: \u201c" + exact + "\u201d";
    }
    document.addEventListener("mouseup", update);
    document.addEventListener("keyup", update);
    // only the fields of the chosen kind of annotation
    var action = form.querySelector("#ann-action");
    function fields() {
      form.querySelectorAll("[data-for]").forEach(function (label) {
        label.hidden = label.getAttribute("data-for").split(" ").indexOf(action.value) < 0;
      });
    }
    action.addEventListener("change", fields);
    fields();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-live]").forEach(live);
    var annotateForm = document.getElementById("annotate-form");
    if (annotateForm) annotate(annotateForm);
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var source = document.getElementById(button.getAttribute("data-copy"));
        if (source) copyText(source.innerText.trim(), button);
      });
    });
    document.addEventListener("keydown", function (e) {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
      var tag = (document.activeElement && document.activeElement.tagName) || "";
      if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") return;
      var box = document.querySelector("input[name=q]");
      if (box) { e.preventDefault(); box.focus(); }
    });
  });
})();
