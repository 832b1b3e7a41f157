// The report editor (templates/reading/report.html, fragment editor): the draft is saved a second
// after the last keystroke, as JSON with the version it was read at (PUT data-draft-url, CSRF token
// from the form), and the status line says when ("Brouillon enregistré à HH:MM") or why not. Quick
// phrases go into their section at the cursor. The critical-finding fields show only for a
// critical report. Without JavaScript, the form still signs what was typed.
(function () {
  'use strict';

  var DEBOUNCE_MS = 1000;

  function hhmm(iso) {
    var d = iso ? new Date(iso) : new Date();
    return (d.getHours() < 10 ? '0' : '') + d.getHours() + ':' + (d.getMinutes() < 10 ? '0' : '') + d.getMinutes();
  }

  function setup(form) {
    var url = form.getAttribute('data-draft-url');
    var status = form.querySelector('[data-draft-status]');
    var version = form.querySelector('input[name=version]');
    var csrf = form.querySelector('input[name=_csrf]');
    var critical = form.querySelector('input[name=critical]');
    var category = form.querySelector('select[name=criticalCategory]');
    var timer = null;
    var saving = false;
    var again = false;
    var submitAfterSave = false;
    var lastFocused = null;

    function section(name) {
      return form.querySelector('textarea[data-section="' + name + '"]');
    }

    function draft() {
      return {
        indication: section('INDICATION').value,
        technique: section('TECHNIQUE').value,
        findings: section('FINDINGS').value,
        conclusion: section('CONCLUSION').value,
        critical: !!(critical && critical.checked),
        criticalCategory: category && category.value ? category.value : null
      };
    }

    var lastSaved = JSON.stringify(draft());

    function say(text, failed) {
      if (!status) { return; }
      status.textContent = text;
      status.classList.toggle('failure', !!failed);
      status.setAttribute('data-state', failed ? 'failed' : 'ok');
    }

    function schedule() {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(save, DEBOUNCE_MS);
    }

    function save() {
      timer = null;
      var content = draft();
      var key = JSON.stringify(content);
      if (key === lastSaved) { return; }
      if (saving) { again = true; return; }
      saving = true;
      say(form.getAttribute('data-pending-text') || '…', false);
      var body = Object.assign({ version: Number(version.value) }, content);
      var headers = { 'Content-Type': 'application/json', 'Accept': 'application/json' };
      if (csrf) { headers['X-CSRF-TOKEN'] = csrf.value; }
      fetch(url, { method: 'PUT', credentials: 'same-origin', headers: headers, body: JSON.stringify(body) })
        .then(function (response) {
          return response.json().catch(function () { return null; }).then(function (json) {
            return { ok: response.ok, status: response.status, json: json };
          });
        })
        .then(function (result) {
          if (result.ok && result.json) {
            version.value = result.json.version;
            lastSaved = key;
            form.setAttribute('data-saved-version', String(result.json.version));
            say((form.getAttribute('data-saved-template') || '{0}').replace('{0}', hhmm(result.json.updatedAt)), false);
          } else {
            var why = result.json && result.json.detail ? result.json.detail : 'HTTP ' + result.status;
            say((form.getAttribute('data-failed-template') || '{0}').replace('{0}', why), true);
          }
        })
        .catch(function () {
          say((form.getAttribute('data-failed-template') || '{0}').replace('{0}', '—'), true);
        })
        .then(function () {
          saving = false;
          if (submitAfterSave) { submitAfterSave = false; form.submit(); return; }
          if (again) { again = false; save(); }
        });
    }

    function insertPhrase(target, text) {
      if (!target) { return; }
      var value = target.value;
      if (target === lastFocused && typeof target.selectionStart === 'number') {
        var start = target.selectionStart, end = target.selectionEnd;
        var before = value.slice(0, start), after = value.slice(end);
        var sep = before && !/\n$/.test(before) ? '\n' : '';
        target.value = before + sep + text + after;
        var caret = (before + sep + text).length;
        target.setSelectionRange(caret, caret);
      } else {
        target.value = value + (value && !/\n$/.test(value) ? '\n' : '') + text;
      }
      target.focus();
      lastFocused = target;
    }

    // A critical report needs its category and how the call is made: the browser says so before
    // the page is left, so that nothing typed is at stake in a refusal.
    function showCritical() {
      var on = !!(critical && critical.checked);
      form.querySelectorAll('[data-critical-only]').forEach(function (el) { el.hidden = !on; });
      if (category) { category.required = on; }
      var modes = form.querySelectorAll('input[name=callbackMode]');
      if (modes.length) { modes[0].required = on; }
    }

    form.querySelectorAll('textarea[data-section]').forEach(function (t) {
      t.addEventListener('focus', function () { lastFocused = t; });
    });
    form.querySelectorAll('button[data-phrase]').forEach(function (button) {
      button.addEventListener('click', function () {
        insertPhrase(section(button.getAttribute('data-target')), button.getAttribute('data-phrase'));
        schedule();
      });
    });
    form.addEventListener('input', schedule);
    form.addEventListener('change', function () { showCritical(); schedule(); });
    // The signature posts what is typed with the version it was saved at: it waits for a save in flight.
    form.addEventListener('submit', function (e) {
      if (timer) { clearTimeout(timer); timer = null; }
      if (saving) { e.preventDefault(); submitAfterSave = true; }
    });
    showCritical();
  }

  document.querySelectorAll('form[data-report-editor]').forEach(setup);
})();
