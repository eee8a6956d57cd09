// Large-text mode for elderly residents, remembered on this phone.
(function () {
  var btn = document.getElementById('bigtext');
  if (!btn) return;
  function apply(on) {
    document.body.classList.toggle('big', on);
    btn.setAttribute('aria-pressed', on ? 'true' : 'false');
  }
  var on = false;
  try { on = localStorage.getItem('renovote.big') === '1'; } catch (e) {}
  apply(on);
  btn.addEventListener('click', function () {
    on = !on;
    apply(on);
    try { localStorage.setItem('renovote.big', on ? '1' : '0'); } catch (e) {}
  });
})();
