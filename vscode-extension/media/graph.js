// Renders the stage graph page: mermaid.min.js (bundled at build time) draws every <pre class="mermaid">.
/* global mermaid */
(function () {
  const error = document.getElementById("error");
  if (typeof mermaid === "undefined") {
    error.textContent = "Mermaid did not load (media/mermaid.min.js is missing from this build of the extension).";
    return;
  }
  const dark = document.body.classList.contains("vscode-dark") || document.body.classList.contains("vscode-high-contrast");
  mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: dark ? "dark" : "default" });
  mermaid.run({ querySelector: "pre.mermaid" }).then(
    function () {
      document.body.dataset.rendered = "true";
    },
    function (e) {
      error.textContent = "Mermaid could not draw this graph: " + (e && e.message ? e.message : String(e));
      document.body.dataset.rendered = "error";
    },
  );
})();
