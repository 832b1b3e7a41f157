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
  var audio = null;

  // Browsers start audio only after a gesture: the first click or key on the page unlocks it.
  function unlockAudio() {
    if (!audio && (window.AudioContext || window.webkitAudioContext)) {
      audio = new (window.AudioContext || window.webkitAudioContext)();
    }
    if (audio && audio.state === 'suspended') {
      audio.resume();
    }
  }
  if (beepFor) {
    document.addEventListener('click', unlockAudio, { once: true });
    document.addEventListener('keydown', unlockAudio, { once: true });
  }

  function beep() {
    try {
      unlockAudio();
      if (!audio) { return; }
      // Two short high tones: an alarm, not a melody.
      [0, 0.25].forEach(function (start) {
        var osc = audio.createOscillator();
        var gain = audio.createGain();
        osc.type = 'square';
        osc.frequency.value = 880;
        gain.gain.setValueAtTime(0.15, audio.currentTime + start);
        gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + start + 0.2);
        osc.connect(gain);
        gain.connect(audio.destination);
        osc.start(audio.currentTime + start);
        osc.stop(audio.currentTime + start + 0.2);
      });
      body.setAttribute('data-beeps', String(Number(body.getAttribute('data-beeps') || 0) + 1));
    } catch (e) {
      // No sound is better than a broken page.
    }
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
          beep();
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
