// The project's public page: an anonymous opinion or complaint.
(function () {
  var box = document.getElementById('anonymous');
  if (!box) return;
  var msg = document.getElementById('an-msg');
  document.getElementById('an-form').addEventListener('submit', function (e) {
    e.preventDefault();
    fetch('/api/v1/public/' + box.getAttribute('data-slug') + '/feedback', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ category: document.getElementById('an-category').value, text: document.getElementById('an-text').value }) })
      .then(function (res) { return res.json().then(function (d) { return { ok: res.ok, data: d }; }); })
      .then(function (r) {
        msg.className = r.ok ? 'ok' : 'bad';
        msg.textContent = r.ok ? '已收到，谢谢。社区会在公示中通报处理情况。' : r.data.message;
        if (r.ok) document.getElementById('an-text').value = '';
      }, function () { msg.className = 'bad'; msg.textContent = '网络不通，请稍后再试'; });
  });
})();
