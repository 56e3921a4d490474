/* Loaded just before @jupyter-widgets/html-manager's embed-amd.js on pages that show widgets
 * (see nb_ipywidgets_js in _config.yml); `make assets` copies it next to embed-amd.js.
 *
 * 1. The widget manager finds its icon fonts next to the RequireJS address of its own module,
 *    `@jupyter-widgets/html-manager/dist/...`, which would resolve against the page (a CDN-style
 *    path that does not exist here). Map that module path, and the webpack asset path, to the
 *    folder this file is served from, where `make assets` put the fonts.
 * 2. It typesets widget labels with the MathJax 2 call `MathJax.Hub.Queue(...)`, which throws
 *    under MathJax 3 (no `Hub`). Give every value of `window.MathJax` (the configuration object
 *    first, then MathJax 3 itself when it loads) a `Hub.Queue` that calls MathJax 3 instead.
 */
(function () {
  "use strict";
  var here = new URL(".", document.currentScript.src).href;
  window.__jupyter_widgets_assets_path__ = here;
  if (window.requirejs) {
    window.requirejs.config({ paths: { "@jupyter-widgets/html-manager/dist": here.replace(/\/$/, "") } });
  }

  function queue() {
    for (var i = 0; i < arguments.length; i++) {
      var job = arguments[i];
      var element = Array.isArray(job) ? job[2] : null;
      var mj = window.MathJax;
      if (element && mj && mj.startup && mj.startup.promise && mj.typesetPromise) {
        mj.startup.promise.then(function () { return mj.typesetPromise([element]); })
          .catch(function (err) { console.warn("MathJax could not typeset a widget label", err); });
      }
    }
  }
  function withHub(value) {
    if (value && typeof value === "object" && !value.Hub) {
      Object.defineProperty(value, "Hub", { value: { Queue: queue }, enumerable: false, configurable: true });
    }
    return value;
  }
  var current = withHub(window.MathJax);
  Object.defineProperty(window, "MathJax", {
    configurable: true,
    enumerable: true,
    get: function () { return current; },
    set: function (value) { current = withHub(value); },
  });
})();
