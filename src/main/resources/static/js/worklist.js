// Worklist pages: the clocks tick every second from their data attributes (data-since: waiting
// time; data-deadline: time left, negative and marked late once passed), in the notation of
// ReadingClocks ([−]h:mm:ss); the warning of a claim about to expire, from live.js; and the
// filters, applied as soon as a value is chosen (their form is a plain GET: the address keeps
// them, and live.js refreshes the page from its own address, so a live refresh keeps them too).
(function () {
  'use strict';

  function format(ms) {
    var s = Math.trunc(ms / 1000);
    var sign = s < 0 ? '\u2212' : '';
    s = Math.abs(s);
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    return sign + h + ':' + (m < 10 ? '0' : '') + m + ':' + (sec < 10 ? '0' : '') + sec;
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll('[data-since]').forEach(function (el) {
      var at = Date.parse(el.getAttribute('data-since'));
      if (!isNaN(at)) { el.textContent = format(now - at); }
    });
    document.querySelectorAll('[data-deadline]').forEach(function (el) {
      var at = Date.parse(el.getAttribute('data-deadline'));
      if (isNaN(at)) { return; }
      el.textContent = format(at - now);
      el.classList.toggle('late', at < now);
      var row = el.closest('tr');
      if (row && at < now) { row.classList.add('breach'); }
    });
  }
  tick();
  setInterval(tick, 1000);

  var filters = document.getElementById('worklist-filters');
  if (filters) {
    filters.querySelectorAll('select').forEach(function (select) {
      select.addEventListener('change', function () { filters.submit(); });
    });
  }

  // The server sends claim-expiring warnings to the holder only (and to coordinators).
  var warning = document.getElementById('claim-warning');
  document.addEventListener('relais:live', function (e) {
    var change = e.detail || {};
    if (warning && change.what === 'claim-expiring' && change.mine) {
      var row = document.querySelector('[data-mine-id="' + change.examId + '"]');
      var accession = row ? row.getAttribute('data-accession') : '';
      warning.textContent = (warning.getAttribute('data-template') || '{0}').replace('{0}', accession);
      warning.hidden = false;
    }
  });
})();
