/**
 * What the explorer's pages run in the browser, served as files (never inline) so that the pages'
 * Content-Security-Policy can allow scripts from the gateway itself only. Plain ES5-level
 * JavaScript in strings: the browser runs it as it stands, nothing compiles it.
 */

/**
 * The explorer page's script, run before GraphiQL's: it reads the page's settings, adds the
 * application key, function and role from the fields to every request for the gateway's endpoint,
 * points Monaco's workers at the gateway's own files, and renders GraphiQL once the page is parsed.
 */
export const EXPLORER_SCRIPT = String.raw`(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('gridmark-explorer-config').textContent);
  var endpoint = new URL(config.endpoint, location.href);
  var REMEMBERED = ['gridmark-function', 'gridmark-role'];

  function field(id) {
    var element = document.getElementById(id);
    return element ? element.value.trim() : '';
  }

  /** The request headers the fields stand for; an empty field sends no header. */
  function credentialHeaders() {
    var headers = {};
    if (field('gridmark-key')) headers['authorization'] = 'Bearer ' + field('gridmark-key');
    if (field('gridmark-function')) headers['x-gridmark-function'] = field('gridmark-function');
    if (field('gridmark-role')) headers['x-gridmark-role'] = field('gridmark-role');
    return headers;
  }

  function isEndpoint(input) {
    var raw = typeof input === 'string' ? input : input instanceof URL ? input.href : input && input.url;
    if (!raw) return false;
    var url = new URL(raw, location.href);
    return url.origin === endpoint.origin && url.pathname === endpoint.pathname;
  }

  // GraphiQL sends every operation with fetch. The credentials join each request to the gateway's
  // endpoint as it leaves, read from the fields at that moment: they never enter GraphiQL's header
  // editor, its storage or the URL, and no other origin ever receives them.
  var nativeFetch = window.fetch.bind(window);
  window.fetch = function (input, init) {
    if (!isEndpoint(input)) return nativeFetch(input, init);
    var headers = new Headers(
      (init && init.headers) || (input instanceof Request ? input.headers : undefined),
    );
    var extra = credentialHeaders();
    Object.keys(extra).forEach(function (name) {
      headers.set(name, extra[name]);
    });
    return nativeFetch(input, Object.assign({}, init, { headers: headers }));
  };

  self.MonacoEnvironment = {
    globalAPI: false,
    getWorkerUrl: function (_moduleId, label) {
      var file = config.workers[label] || config.workers.editorWorkerService;
      return new URL(file, location.href).href;
    },
  };

  /** The function and role are kept for this tab only; the key is kept nowhere but its field. */
  function rememberFields() {
    REMEMBERED.forEach(function (id) {
      var element = document.getElementById(id);
      try {
        var kept = sessionStorage.getItem(id);
        if (kept !== null) element.value = kept;
      } catch (_) {
        // Storage may be off; the fields then start empty.
      }
      element.addEventListener('input', function () {
        try {
          sessionStorage.setItem(id, element.value);
        } catch (_) {
          // Nothing to keep it in.
        }
      });
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    rememberFields();
    document.getElementById('gridmark-credentials').addEventListener('submit', function (event) {
      event.preventDefault();
    });
    var options = Object.assign({}, config.graphiql, { endpoint: endpoint.href });
    YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), options);
  });
})();
`;

/**
 * The `auto` landing page's script: it loads Apollo Sandbox from Apollo's CDN and, when the
 * script cannot be loaded (an error, or no answer in time), goes to the bundled explorer.
 */
export const LANDING_SCRIPT = String.raw`(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('gridmark-landing-config').textContent);
  var status = document.getElementById('gridmark-landing-status');
  var settled = false;

  function fallBack(reason) {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    status.textContent = reason + ' Opening the bundled explorer…';
    location.replace(new URL(config.explorer, location.href).href);
  }

  var timer = setTimeout(function () {
    fallBack('Apollo Sandbox did not load within ' + config.timeoutMs / 1000 + ' s.');
  }, config.timeoutMs);

  var script = document.createElement('script');
  script.src = config.sandboxScript;
  script.onerror = function () {
    fallBack('Apollo Sandbox cannot be reached from this network.');
  };
  script.onload = function () {
    if (settled) return;
    if (typeof window.EmbeddedSandbox !== 'function')
      return fallBack('Apollo Sandbox did not start.');
    settled = true;
    clearTimeout(timer);
    status.hidden = true;
    new window.EmbeddedSandbox({
      target: '#embeddableSandbox',
      initialEndpoint: new URL(config.endpoint, location.href).href,
      includeCookies: false,
      endpointIsEditable: false,
      runTelemetry: false,
      allowDynamicStyles: false,
    });
  };
  document.head.appendChild(script);
})();
`;

/** The explorer page's own styles: the credentials bar above GraphiQL, GraphiQL filling the rest. */
export const EXPLORER_STYLES = `html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; font-family: system-ui, sans-serif; }
.gridmark-bar { display: flex; flex-wrap: wrap; gap: 6px 14px; align-items: flex-end;
  padding: 8px 12px; border-bottom: 1px solid #d8dbe0; background: #f6f7f9; font-size: 13px; }
.gridmark-bar label { display: flex; flex-direction: column; gap: 2px; color: #333; }
.gridmark-bar input { font: inherit; padding: 4px 6px; min-width: 16em;
  border: 1px solid #b8bdc6; border-radius: 4px; }
.gridmark-bar .gridmark-title { font-weight: 600; font-size: 15px; align-self: center; }
.gridmark-bar .gridmark-note { color: #555; align-self: center; max-width: 34em; }
.gridmark-bar a { color: #1d4ed8; }
#root { flex: 1; min-height: 0; }
#gridmark-landing-status { padding: 12px; }
#embeddableSandbox { flex: 1; min-height: 0; }
#embeddableSandbox iframe { width: 100%; height: 100%; border: none; background: white; }
`;
