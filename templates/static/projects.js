(function () {
  var tbody = document.querySelector('#projects tbody');
  rv.api('GET', '/api/v1/projects').then(function (ps) {
    if (!ps.length) tbody.appendChild(rv.el('tr', {}, [rv.el('td', { colspan: 4, text: '还没有项目，请在下面新建。' })]));
    ps.forEach(function (p) {
      var stage = rv.el('td', { text: '方案测算中' }), progress = rv.el('td', { text: '—' });
      tbody.appendChild(rv.el('tr', {}, [rv.el('td', {}, [rv.el('a', { href: '/console/projects/' + p.id, text: p.name })]),
        rv.el('td', { text: p.address }), stage, progress]));
      if (!p.ballot) return;
      rv.api('GET', '/api/v1/projects/' + p.id + '/tally').then(function (t) {
        stage.textContent = t.state_label;
        progress.textContent = '参与 ' + t.participation.owners + '/' + t.total.owners + ' 人，同意 ' + t.approval.owners + ' 人';
      }, function () {});
    });
  }, rv.error);
  document.getElementById('passwd').addEventListener('submit', function (e) {
    e.preventDefault();
    var msg = document.getElementById('pw-msg');
    var next = document.getElementById('pw-new').value;
    if (next !== document.getElementById('pw-again').value) { msg.className = 'bad'; msg.textContent = '两次输入的新密码不一致'; return; }
    rv.api('POST', '/api/v1/password', { current: document.getElementById('pw-current').value, password: next }).then(function () {
      msg.className = 'ok'; msg.textContent = '密码已修改，请用新密码重新登录。';
      setTimeout(function () { location.href = '/login'; }, 1500);
    }, function (err) { msg.className = 'bad'; msg.textContent = err.message; });
  });
  // a name one of the worker's projects already has is asked about (the
  // server words the question) and sent again only when meant
  document.getElementById('newproject').addEventListener('submit', function (e) {
    e.preventDefault();
    var body = { name: document.getElementById('np-name').value, address: document.getElementById('np-address').value,
      floors: parseInt(document.getElementById('np-floors').value, 10) };
    var open = function (p) { location.href = '/console/projects/' + p.id; };
    rv.api('POST', '/api/v1/projects', body).catch(function (err) {
      if (err.code !== 'duplicate_name' || !window.confirm(err.message)) throw err;
      body.allow_duplicate = true;
      return rv.api('POST', '/api/v1/projects', body);
    }).then(open, function (err) { if (err.code !== 'duplicate_name') rv.error(err); });
  });
})();
