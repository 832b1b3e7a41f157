// Choosing one of the exam type's protocols fills the editable protocol text.
(function () {
  'use strict';
  var choice = document.getElementById('protocol-choice');
  var text = document.getElementById('protocol');
  if (!choice || !text) { return; }
  choice.addEventListener('change', function () {
    if (choice.value) { text.value = choice.value; }
  });
})();
