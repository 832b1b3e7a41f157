// The portal's notices on every page of a hospital user: critical results to acknowledge and
// reports signed that this user has not opened, fetched from data-notices when the page opens and
// again whenever one of the hospital's requests changes (the events of /live/requests: heard
// through live.js when the page runs it, else on a stream of our own). A critical result that was
// not there before beeps (window.RelaisSound, sound.js).
(function () {
  'use strict';
  var region = document.getElementById('portal-notices');
  if (!region || !window.fetch) {
    return;
  }
  var url = region.getAttribute('data-notices');
  var known = null; // exam ids of the critical results shown, null before the first fetch
  var pending = null;
  window.RelaisSound.unlockOnGesture();

  function criticalIds() {
    var ids = {};
    region.querySelectorAll('[data-critical="true"]').forEach(function (el) {
      ids[el.getAttribute('data-exam-id')] = true;
    });
    return ids;
  }

  function refresh() {
    pending = null;
    fetch(url, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (html === null) { return; }
      var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('portal-notices-list');
      region.innerHTML = fresh ? fresh.innerHTML : '';
      var now = criticalIds();
      if (known && Object.keys(now).some(function (id) { return !known[id]; })) {
        window.RelaisSound.beep();
      }
      known = now;
      document.body.setAttribute('data-notices-refreshes',
          String(Number(document.body.getAttribute('data-notices-refreshes') || 0) + 1));
    }).catch(function () { /* the next change tries again */ });
  }

  function changed() {
    if (!pending) { pending = setTimeout(refresh, 200); }
  }

  var source = region.getAttribute('data-live-source');
  if (document.body.getAttribute('data-live') === source) {
    document.addEventListener('relais:live', changed);
  } else if (window.EventSource) {
    var events = new EventSource(source);
    events.addEventListener('request', changed);
    events.addEventListener('open', function () {
      document.body.setAttribute('data-notices-stream', 'open');
      changed(); // after a reconnection, catch up
    });
  }
  refresh();
})();
