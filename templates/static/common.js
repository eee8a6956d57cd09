// Large-text mode for elderly residents, remembered on this phone; a link
// ending in ?size=large (a slip printed for an elderly household) opens
// the page in large text.
(function () {
  var btn = document.getElementById('bigtext');
  if (!btn) return;
  function apply(on) {
    document.body.classList.toggle('big', on);
    btn.setAttribute('aria-pressed', on ? 'true' : 'false');
    btn.textContent = on ? '标准字' : '大字';
  }
  var on = false;
  try { on = localStorage.getItem('renovote.big') === '1'; } catch (e) {}
  var size = new URLSearchParams(location.search).get('size');
  if (size === 'large') on = true;
  if (size === 'normal') on = false;
  apply(on);
  btn.addEventListener('click', function () {
    on = !on;
    apply(on);
    try { localStorage.setItem('renovote.big', on ? '1' : '0'); } catch (e) {}
  });
})();

// 朗读: reads the parts of the page marked data-speak aloud in Chinese with
// the browser's speech synthesis, for residents who cannot read small print.
(function () {
  var btn = document.getElementById('readaloud');
  var parts = document.querySelectorAll('[data-speak]');
  if (!btn || !parts.length || !window.speechSynthesis || !window.SpeechSynthesisUtterance) return;
  btn.hidden = false;
  function stop() { speechSynthesis.cancel(); btn.textContent = '朗读'; btn.setAttribute('aria-pressed', 'false'); }
  btn.addEventListener('click', function () {
    if (speechSynthesis.speaking) { stop(); return; }
    var text = Array.prototype.map.call(parts, function (p) { return p.getAttribute('data-speak') || p.innerText; }).join('。');
    // read amounts as numbers, not digit by digit with commas
    var u = new SpeechSynthesisUtterance(text.replace(/(\d),(?=\d{3})/g, '$1'));
    u.lang = 'zh-CN'; u.rate = 0.9;
    u.onend = stop; u.onerror = stop;
    btn.textContent = '停止朗读'; btn.setAttribute('aria-pressed', 'true');
    speechSynthesis.speak(u);
  });
})();

// Stacked tables: each data cell carries its column's header as a label,
// so that on a narrow screen a row reads "label: value" (style.css).
(function () {
  Array.prototype.forEach.call(document.querySelectorAll('table'), labelTable);
  function labelTable(table) {
    var head = table.tHead && table.tHead.rows[0];
    if (!head) return;
    var labels = Array.prototype.map.call(head.cells, function (c) { return c.textContent.trim(); });
    if (labels.length >= 4) table.classList.add('wide');
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, i) {
          if (cell.tagName === 'TD' && labels[i] && !cell.hasAttribute('data-label')) cell.setAttribute('data-label', labels[i]);
        });
      });
    });
  }
  window.renovoteLabelTable = labelTable;
})();
