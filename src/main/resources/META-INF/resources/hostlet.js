// hostlet status page. Plain browser JavaScript, no build step and no dependencies.
//
// Reads GET /api/v1/status and GET /api/v1/events, and follows GET /api/v1/events/stream (Server-Sent Events):
// each event triggers a fresh status read, and status is also polled every few seconds, so the page stays right when
// the stream is missing (an older hostlet answers 404), drops, or cannot be used. EventSource cannot send an
// Authorization header, so once the API needs a token the page polls instead of streaming.
//
// Every value from the API reaches the DOM through textContent or an attribute set with setAttribute: never through
// innerHTML, so a manifest error quoting "<script>" shows those characters and runs nothing.
(function () {
  'use strict';

  var POLL_MS = 5000;
  var MAX_EVENTS = 50;
  var TOKEN_KEY = 'hostlet.api.token';
  var EVENT_KINDS = ['created', 'recreated', 'started', 'exited', 'restarted', 'pulled', 'pull-failed',
    'manifest-error', 'manifest-fixed', 'held', 'pruned', 'removed', 'engine-lost', 'engine-back', 'crash-loop',
    'rolled-back', 'git-refused'];

  // Phase -> colour class. The phase name is always shown as text beside the colour.
  var PHASE_CLASS = {
    Running: 'phase-ok', Present: 'phase-ok',
    Pending: 'phase-wait', Pulling: 'phase-wait',
    CrashLoopBackOff: 'phase-bad', Failed: 'phase-bad', ImagePullBackOff: 'phase-bad', ErrImageNeverPull: 'phase-bad',
    Succeeded: 'phase-neutral',
    Conflict: 'phase-warn', Removing: 'phase-warn', RolledBack: 'phase-warn'
  };

  var state = {
    token: sessionStorage.getItem(TOKEN_KEY) || '',
    events: [],          // newest last, unique by seq
    eventsAvailable: true,
    stream: null,        // the EventSource while it is open
    streamTries: 0,      // opens in a row that never connected: after 3 the page only polls
    refreshTimer: null,
    refreshing: false,
    again: false
  };

  function $(id) { return document.getElementById(id); }

  /** An element with attributes and children; strings become text nodes (never markup). */
  function el(tag, attrs) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (attrs[k] !== null && attrs[k] !== undefined) { e.setAttribute(k, String(attrs[k])); }
      });
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined) { continue; }
      e.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  function text(v) { return v === null || v === undefined || v === '' ? '-' : String(v); }

  function setRows(tbody, rows, columns, emptyText) {
    tbody.replaceChildren();
    if (rows.length === 0) {
      tbody.appendChild(el('tr', {'class': 'empty'}, el('td', {colspan: columns}, emptyText)));
      return;
    }
    rows.forEach(function (r) { tbody.appendChild(r); });
  }

  function phaseCell(phase) {
    var p = text(phase);
    return el('td', {'class': 'phase ' + (PHASE_CLASS[p] || 'phase-neutral'), 'data-phase': p}, p);
  }

  function shortId(id) {
    if (!id) { return '-'; }
    var s = String(id).replace(/^sha256:/, '');
    return s.length > 12 ? s.substring(0, 12) : s;
  }

  /** "3d4h", "5m", "40s" since an ISO time; '-' when there is none (status may not carry one). */
  function age(iso) {
    if (!iso) { return '-'; }
    var t = Date.parse(iso);
    if (isNaN(t)) { return '-'; }
    var s = Math.max(0, Math.floor((Date.now() - t) / 1000));
    if (s < 60) { return s + 's'; }
    var m = Math.floor(s / 60);
    if (m < 60) { return m + 'm'; }
    var h = Math.floor(m / 60);
    if (h < 48) { return h + 'h' + (m % 60 ? (m % 60) + 'm' : ''); }
    return Math.floor(h / 24) + 'd' + (h % 24 ? (h % 24) + 'h' : '');
  }

  function localTime(iso) {
    if (!iso) { return '-'; }
    var t = new Date(iso);
    if (isNaN(t.getTime())) { return String(iso); }
    function two(n) { return (n < 10 ? '0' : '') + n; }
    return t.getFullYear() + '-' + two(t.getMonth() + 1) + '-' + two(t.getDate()) + ' '
      + two(t.getHours()) + ':' + two(t.getMinutes()) + ':' + two(t.getSeconds());
  }

  function showProblem(message) {
    var p = $('problem');
    p.textContent = message || '';
    p.hidden = !message;
  }

  function setLive(mode) {
    var live = $('live');
    live.className = 'live ' + (mode === 'stream' ? 'live-on' : 'live-poll');
    live.textContent = mode === 'stream' ? 'live (event stream)'
      : 'polling every ' + POLL_MS / 1000 + ' s' + (state.token ? ' (the event stream cannot send the token)' : '');
  }

  // ---- API ----

  /** fetch with the bearer token when there is one; resolves to the parsed JSON, or rejects with {status}. */
  function api(path) {
    var headers = {'Accept': 'application/json'};
    if (state.token) { headers.Authorization = 'Bearer ' + state.token; }
    return fetch(path, {headers: headers, cache: 'no-store', credentials: 'omit'}).then(function (r) {
      if (r.status === 401) {
        askForToken(state.token ? 'The token was refused.' : null);
        return Promise.reject({status: 401});
      }
      if (!r.ok) { return Promise.reject({status: r.status}); }
      return r.json();
    });
  }

  function askForToken(why) {
    var form = $('auth');
    form.hidden = false;
    if (why) { $('auth-why').textContent = why + ' Enter the API token (hostlet.api.token-file).'; }
    closeStream();
    setLive('poll');
  }

  // ---- rendering ----

  function renderSummary(s) {
    var dl = $('summary');
    dl.replaceChildren();
    function row(label, value, cls) {
      dl.appendChild(el('dt', null, label));
      dl.appendChild(el('dd', cls ? {'class': cls} : null, value));
    }
    row('Converged', s.converged ? 'yes' : 'no' + (s.reason ? ': ' + s.reason : ''), s.converged ? 'yes' : 'no');
    row('Engine', s.engineReachable ? 'reachable' : 'unreachable', s.engineReachable ? 'yes' : 'no');
    if (s.mode) { row('Mode', s.mode === 'observe' ? 'observe (plans, never acts)' : String(s.mode)); }
    var src = s.source;
    if (src) {
      var where = text(src.type) + ' ' + text(src.location) + (src.branch ? ' (branch ' + src.branch + ')' : '');
      row('Source', where + (s.sourceComplete === false ? ' — not read completely' : ''));
      if (src.commit) {
        row('Revision', shortId(src.commit) + (src.commitMessage ? ' ' + src.commitMessage : '')
          + (src.fetchedAt ? ' (fetched ' + localTime(src.fetchedAt) + ')' : ''));
      }
      if (src.lastError) { row('Source error', src.lastError, 'no'); }
    }
    var pass = s.lastPass;
    row('Last pass', pass ? '#' + pass.number + ' at ' + localTime(s.lastReconcile)
      + ' (' + pass.actions + ' action' + (pass.actions === 1 ? '' : 's') + ')' : 'none yet');
    document.title = 'hostlet — ' + (s.converged ? 'converged' : 'not converged');
  }

  function renderContainers(list) {
    var rows = list.map(function (c) {
      var restarts = Math.max(c.restarts || 0, c.crashLoop && c.crashLoop.restarts ? c.crashLoop.restarts : 0);
      var source = text(c.source) + (c.revision ? ' @' + shortId(c.revision) : '');
      var health = c.health || '-';
      return el('tr', {'data-name': c.name},
        el('td', {'class': 'mono'}, text(c.name)),
        phaseCell(c.phase),
        el('td', c.health ? {'class': 'health-' + c.health} : null, health),
        el('td', {'class': 'num'}, String(restarts)),
        el('td', {'class': 'num'}, age(c.startedAt || c.createdAt)),
        el('td', {'class': 'mono'}, text(c.image)),
        el('td', {'class': 'mono'}, source),
        el('td', {'class': 'message'}, c.message || ''));
    });
    setRows($('containers').tBodies[0], rows, 8, 'No containers.');
  }

  function renderErrors(errors) {
    var ul = $('errors');
    ul.replaceChildren();
    if (errors.length === 0) {
      ul.appendChild(el('li', {'class': 'none'}, 'None.'));
      return;
    }
    errors.forEach(function (e) {
      ul.appendChild(el('li', null, text(e.file) + ':' + e.line + ':' + e.column + ': ' + text(e.message)));
    });
  }

  function renderImages(images) {
    var rows = images.map(function (i) {
      return el('tr', {'data-name': i.name},
        el('td', {'class': 'mono'}, text(i.name)),
        phaseCell(i.phase),
        el('td', {'class': 'mono'}, text(i.image)),
        el('td', {'class': 'mono'}, shortId(i.imageId)),
        el('td', {'class': 'mono'}, text(i.source)),
        el('td', {'class': 'message'}, i.message || ''));
    });
    setRows($('images').tBodies[0], rows, 6, 'No Image manifests.');
  }

  function renderEvents() {
    if (!state.eventsAvailable) {
      setRows($('events').tBodies[0], [], 4, 'This hostlet does not serve events (GET /api/v1/events).');
      return;
    }
    var rows = state.events.slice().reverse().map(function (e) {
      return el('tr', {'data-seq': e.seq},
        el('td', {'class': 'mono'}, localTime(e.time)),
        el('td', null, text(e.kind)),
        el('td', {'class': 'mono'}, text(e.name)),
        el('td', {'class': 'message'}, e.message || ''));
    });
    setRows($('events').tBodies[0], rows, 4, 'No events yet.');
  }

  function addEvents(list) {
    var seen = {};
    state.events.forEach(function (e) { seen[e.seq] = true; });
    list.forEach(function (e) {
      if (e && e.seq !== undefined && !seen[e.seq]) { seen[e.seq] = true; state.events.push(e); }
    });
    state.events.sort(function (a, b) { return a.seq - b.seq; });
    if (state.events.length > MAX_EVENTS) { state.events = state.events.slice(state.events.length - MAX_EVENTS); }
  }

  // ---- refreshing ----

  function refresh() {
    if (state.refreshing) { state.again = true; return; }
    state.refreshing = true;
    var status = api('/api/v1/status').then(function (s) {
      $('auth').hidden = true;
      showProblem(null);
      renderSummary(s);
      renderContainers(s.containers || []);
      renderErrors(s.manifestErrors || []);
      renderImages(s.images || []);
    }, function (e) {
      if (e && e.status !== 401) {
        showProblem(e.status ? 'GET /api/v1/status answered ' + e.status : 'hostlet cannot be reached; retrying');
      }
    });
    var events = state.eventsAvailable ? api('/api/v1/events').then(function (r) {
      addEvents((r && r.events) || []);
      renderEvents();
    }, function (e) {
      if (e && e.status === 404) { state.eventsAvailable = false; renderEvents(); }
    }) : Promise.resolve();
    Promise.all([status, events]).then(function () {
      state.refreshing = false;
      if (state.again) { state.again = false; refresh(); }
    });
  }

  /** Many events in a burst make one status read. */
  function refreshSoon() {
    if (state.refreshTimer) { return; }
    state.refreshTimer = setTimeout(function () { state.refreshTimer = null; refresh(); }, 150);
  }

  function closeStream() {
    if (state.stream) { state.stream.close(); state.stream = null; }
  }

  function openStream() {
    // EventSource sends no Authorization header: with a token configured, polling is all the page can do.
    if (state.token || !window.EventSource || !state.eventsAvailable || state.streamTries >= 3) {
      setLive('poll');
      return;
    }
    state.streamTries++;
    var es = new EventSource('/api/v1/events/stream');
    state.stream = es;
    function onEvent(m) {
      try { addEvents([JSON.parse(m.data)]); renderEvents(); } catch (ignored) { /* not an event: still refresh */ }
      refreshSoon();
    }
    es.onmessage = onEvent;
    EVENT_KINDS.forEach(function (k) { es.addEventListener(k, onEvent); });
    es.onopen = function () { state.streamTries = 0; setLive('stream'); };
    es.onerror = function () {
      // A 404 or 401 closes it for good (the browser does not retry a non-200); a dropped stream reconnects itself.
      if (es.readyState === EventSource.CLOSED) { closeStream(); }
      setLive('poll');
    };
  }

  function init() {
    setLive('poll');
    $('auth').addEventListener('submit', function (ev) {
      ev.preventDefault();
      state.token = $('token').value.trim();
      $('token').value = '';
      if (state.token) { sessionStorage.setItem(TOKEN_KEY, state.token); } else { sessionStorage.removeItem(TOKEN_KEY); }
      $('forget').hidden = !state.token;
      closeStream();
      setLive('poll');
      refresh();
    });
    $('forget').hidden = !state.token;
    $('forget').addEventListener('click', function () {
      sessionStorage.removeItem(TOKEN_KEY);
      state.token = '';
      $('forget').hidden = true;
      refresh();
      openStream();
    });
    refresh();
    openStream();
    setInterval(function () {
      refresh();
      if (!state.stream && !state.token && state.eventsAvailable && $('auth').hidden) { openStream(); }
    }, POLL_MS);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
}());
