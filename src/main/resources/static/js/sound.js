// The alarm sound of the pages (a new P1 on the regulation list, a critical result on the portal):
// two short high tones. Browsers start audio only after a gesture, so the first click or key on the
// page unlocks it. Each beep counts in the body's data-beeps, which the browser tests read.
(function () {
  'use strict';
  var audio = null;

  function unlock() {
    if (!audio && (window.AudioContext || window.webkitAudioContext)) {
      audio = new (window.AudioContext || window.webkitAudioContext)();
    }
    if (audio && audio.state === 'suspended') {
      audio.resume();
    }
  }

  window.RelaisSound = {
    unlockOnGesture: function () {
      document.addEventListener('click', unlock, { once: true });
      document.addEventListener('keydown', unlock, { once: true });
    },
    beep: function () {
      var body = document.body;
      try {
        unlock();
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
  };
})();
