// The questionnaire page: collects the answers of each question by its
// kind and submits them once per idempotency key.
(function () {
  var form = document.getElementById('surveyform');
  if (!form) return;
  var token = form.getAttribute('data-token');
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var a = new Uint8Array(16); crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }
  var key = newKey();
  var questions = form.querySelectorAll('.question');
  Array.prototype.forEach.call(questions, function (q) {
    var kind = q.getAttribute('data-kind');
    if (kind === 'choose_k') {
      var k = parseInt(q.getAttribute('data-k'), 10);
      var refused = q.querySelector('.pick-refused');
      q.addEventListener('change', function (e) {
        if (q.querySelectorAll('input:checked').length > k) {
          e.target.checked = false;
          refused.textContent = '最多选 ' + k + ' 项，“' + e.target.value + '”没有选上；要改选它，请先取消已选的一项。';
          refused.hidden = false;
          refused.scrollIntoView({ block: 'nearest' });
          return;
        }
        refused.hidden = true;
      });
    }
    if (kind === 'rank') {
      var order = [];
      q.addEventListener('change', function (e) {
        var v = e.target.value, i = order.indexOf(v);
        if (e.target.checked && i < 0) order.push(v);
        if (!e.target.checked && i >= 0) order.splice(i, 1);
        Array.prototype.forEach.call(q.querySelectorAll('label'), function (l) {
          var input = l.querySelector('input'), n = order.indexOf(input.value);
          l.querySelector('.order').textContent = n >= 0 ? '第' + (n + 1) + '位' : '';
        });
        q.rankOrder = order.slice();
      });
    }
  });
  var errorBox = document.getElementById('error');
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    errorBox.hidden = true;
    var answers = {};
    Array.prototype.forEach.call(questions, function (q) {
      var id = q.getAttribute('data-id'), kind = q.getAttribute('data-kind');
      if (kind === 'choose_k') {
        var picked = Array.prototype.map.call(q.querySelectorAll('input:checked'), function (i) { return i.value; });
        if (picked.length) answers[id] = picked;
      } else if (kind === 'rank') {
        if (q.rankOrder && q.rankOrder.length) answers[id] = q.rankOrder;
      } else if (kind === 'rating') {
        var r = q.querySelector('input:checked'); if (r) answers[id] = parseInt(r.value, 10);
      } else if (kind === 'single') {
        var s = q.querySelector('input:checked'); if (s) answers[id] = s.value;
      } else {
        var t = q.querySelector('textarea').value.trim(); if (t) answers[id] = t;
      }
    });
    if (!Object.keys(answers).length) { errorBox.textContent = '请至少回答一道题'; errorBox.hidden = false; return; }
    var button = document.getElementById('submit');
    button.disabled = true;
    fetch('/api/v1/q/' + encodeURIComponent(token), {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ answers: answers, idempotency_key: key })
    }).then(function (res) { return res.json().then(function (d) { return { ok: res.ok, data: d }; }); })
      .then(function (r) {
        button.disabled = false;
        if (!r.ok) { errorBox.textContent = r.data.message || '提交失败，请稍后重试'; errorBox.hidden = false; return; }
        document.getElementById('done').hidden = false;
        key = newKey();
      }).catch(function () { button.disabled = false; errorBox.textContent = '网络不通，请稍后再试'; errorBox.hidden = false; });
  });
})();
