// Nøgletal – behaviour of the chat page on top of plain HTML forms (progressive enhancement):
// charts with vega-embed, click-to-sort tables, copy SQL, clearing the question box, printing.
(function () {
  "use strict";

  var DA_FORMAT = { decimal: ",", thousands: ".", grouping: [3], currency: ["", " kr."], percent: " %" };
  var DA_TIME = {
    dateTime: "%A den %d. %B %Y %X", date: "%d.%m.%Y", time: "%H:%M:%S", periods: ["AM", "PM"],
    days: ["søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"],
    shortDays: ["søn", "man", "tir", "ons", "tor", "fre", "lør"],
    months: ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
      "oktober", "november", "december"],
    shortMonths: ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
  };
  var EMBED_I18N = {
    COMPILED_ACTION: "Vis Vega-specifikation", EDITOR_ACTION: "Åbn i Vega-editoren",
    PNG_ACTION: "Gem som PNG", SOURCE_ACTION: "Vis kilde", SVG_ACTION: "Gem som SVG"
  };

  function chartMessage(el, text) {
    el.textContent = text;
    el.classList.add("chart-missing");
    el.removeAttribute("role");
  }

  function renderCharts(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var views = Array.prototype.slice.call(scope.querySelectorAll("[data-chart]"));
    if (scope.matches && scope.matches("[data-chart]")) views.push(scope);
    views.forEach(function (el) {
      if (el.dataset.rendered) return;
      el.dataset.rendered = "pending";
      var specEl = document.getElementById(el.dataset.chart);
      if (!specEl) return;
      if (typeof window.vegaEmbed !== "function") {
        chartMessage(el, "Diagrammet kan ikke vises, fordi diagrambiblioteket ikke er indlæst. Tallene står i tabellen.");
        return;
      }
      var spec;
      try {
        spec = JSON.parse(specEl.textContent);
      } catch (err) {
        chartMessage(el, "Diagrammet kunne ikke læses. Tallene står i tabellen.");
        return;
      }
      if (el.dataset.kind === "map" && el.clientWidth) {
        // Denmark is about 5:4; a fixed height leaves a small map and empty space on a phone.
        spec.height = Math.max(240, Math.min(460, Math.round(el.clientWidth * 0.78)));
      }
      window.vegaEmbed(el, spec, {
        renderer: "svg",
        actions: { export: true, source: false, compiled: false, editor: false },
        i18n: EMBED_I18N,
        formatLocale: DA_FORMAT,
        timeFormatLocale: DA_TIME,
        downloadFileName: "noegletal"
      }).then(function () {
        el.dataset.rendered = "done";
      }).catch(function (err) {
        if (window.console) console.error(err);
        chartMessage(el, "Diagrammet kunne ikke tegnes. Tallene står i tabellen.");
        el.dataset.rendered = "failed";
      });
    });
  }

  function compareCells(x, y, numeric) {
    if (x === y) return 0;
    if (x === "") return 1;   // missing values last in both directions (handled by caller)
    if (y === "") return -1;
    var a = parseFloat(x), b = parseFloat(y);
    if ((numeric || (/^-?\d/.test(x) && /^-?\d/.test(y))) && !isNaN(a) && !isNaN(b)) return a - b;
    return x.localeCompare(y, "da", { numeric: true, sensitivity: "base" });
  }

  function sortTable(button) {
    var th = button.closest("th");
    var table = th.closest("table");
    var col = parseInt(button.dataset.col, 10);
    var numeric = button.dataset.numeric === "true";
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("thead th").forEach(function (h) { h.setAttribute("aria-sort", "none"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r1, r2) {
      var x = r1.cells[col] ? r1.cells[col].dataset.sort || "" : "";
      var y = r2.cells[col] ? r2.cells[col].dataset.sort || "" : "";
      if (x === "" || y === "") return compareCells(x, y, numeric);
      var d = compareCells(x, y, numeric);
      return ascending ? d : -d;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  function copySql(button) {
    var source = document.getElementById(button.dataset.copy);
    if (!source) return;
    var text = source.textContent;
    var status = button.parentNode.querySelector(".copy-status");
    function done(ok) {
      if (!status) return;
      status.textContent = ok ? "SQL kopieret." : "Kunne ikke kopiere – markér teksten og kopiér selv.";
      setTimeout(function () { status.textContent = ""; }, 4000);
    }
    function fallback() {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (err) { ok = false; }
      document.body.removeChild(area);
      done(ok);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, fallback);
    } else {
      fallback();
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var sort = target.closest("button.sort");
    if (sort) { sortTable(sort); return; }
    var copy = target.closest("button[data-copy]");
    if (copy) { copySql(copy); return; }
    if (target.closest("[data-print]")) window.print();
  });

  // After a question was answered: empty the box (unless the server asks to keep it), keep focus.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail && event.detail.elt;
    var box = document.getElementById("question");
    if (!box || !form || !form.closest) return;
    var asked = form.id === "ask-form" || (form.closest("form") && form.closest("form").getAttribute("hx-post") === "/chat");
    if (!asked) return;
    var xhr = event.detail.xhr;
    var keep = !event.detail.successful || (xhr && xhr.getResponseHeader("X-Keep-Question") === "1");
    if (form.id === "ask-form" && !keep) box.value = "";
    box.focus();
  });

  // Bring the newest turn into view.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || target.id !== "turns") return;
    var last = target.lastElementChild;
    if (last && last.scrollIntoView) {
      var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      last.scrollIntoView({ block: "start", behavior: reduce ? "auto" : "smooth" });
    }
  });

  function start() {
    if (window.htmx && typeof window.htmx.onLoad === "function") {
      window.htmx.onLoad(renderCharts);
    }
    renderCharts(document);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
