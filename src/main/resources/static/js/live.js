// Live pages: listens to /live/requests (server-sent events) and, when a request changes,
// fetches the page again and swaps the regions marked data-live-region (matched by id).
// The body says what to listen to: data-live="/live/requests", data-live-exam="42" to follow one
// request only, data-live-beep="P1" to beep when a new P1 request appears.
// data-live-event names the event to hear ("request" by default, "worklist" for /live/worklist);
// data-live-beep-attr names the row attribute data-live-beep is matched against (data-urgency by
// default). Every change is also dispatched on the document as a "relais:live" CustomEvent.
(function () {
  'use strict';
  var body = document.body;
  var source = body.getAttribute('data-live');
  if (!source || !window.EventSource) {
    return;
  }
  var onlyExam = body.getAttribute('data-live-exam');
  var beepFor = body.getAttribute('data-live-beep');
  var beepAttr = body.getAttribute('data-live-beep-attr') || 'data-urgency';
  var eventName = body.getAttribute('data-live-event') || 'request';
  var pending = null;

  if (beepFor) {
    window.RelaisSound.unlockOnGesture();
  }

  function idsOf(urgency) {
    var ids = {};
    document.querySelectorAll('[data-exam-id][' + beepAttr + '="' + urgency + '"]').forEach(function (el) {
      ids[el.getAttribute('data-exam-id')] = true;
    });
    return ids;
  }

  // A region whose fields the user has started to fill is left alone.
  function edited(region) {
    var fields = region.querySelectorAll('input, textarea, select');
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if (f === document.activeElement) { return true; }
      if ((f.tagName === 'TEXTAREA' || f.type === 'text') && f.value !== f.defaultValue) { return true; }
    }
    return false;
  }

  function refresh() {
    pending = null;
    var before = beepFor ? idsOf(beepFor) : null;
    fetch(window.location.pathname + window.location.search, {
      credentials: 'same-origin', headers: { 'Accept': 'text/html' }
    }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (html === null) { return; }
      var fresh = new DOMParser().parseFromString(html, 'text/html');
      document.querySelectorAll('[data-live-region]').forEach(function (region) {
        var next = fresh.getElementById(region.id);
        if (next && !edited(region)) {
          region.innerHTML = next.innerHTML;
        }
      });
      if (before) {
        var after = idsOf(beepFor);
        if (Object.keys(after).some(function (id) { return !before[id]; })) {
          window.RelaisSound.beep();
        }
      }
      body.setAttribute('data-live-refreshes', String(Number(body.getAttribute('data-live-refreshes') || 0) + 1));
    }).catch(function () { /* the next event or reconnection tries again */ });
  }

  var events = new EventSource(source);
  var openedBefore = false;
  events.addEventListener('open', function () {
    body.setAttribute('data-live-state', 'open');
    // After a reconnection, changes may have been missed: catch up once.
    if (openedBefore && !pending) { pending = setTimeout(refresh, 150); }
    openedBefore = true;
  });
  events.addEventListener('error', function () { body.setAttribute('data-live-state', 'reconnecting'); });
  events.addEventListener(eventName, function (message) {
    var change;
    try { change = JSON.parse(message.data); } catch (e) { return; }
    document.dispatchEvent(new CustomEvent('relais:live', { detail: change }));
    if (onlyExam && String(change.examId) !== onlyExam) { return; }
    // Several changes in a burst cost one fetch.
    if (!pending) { pending = setTimeout(refresh, 150); }
  });
})();
