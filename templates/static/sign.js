// The signing page: a signature pad on a canvas (finger or mouse) and the
// submission of the decision with an idempotency key, so a retried tap is
// recorded once.
(function () {
  var box = document.getElementById('decide');
  var form = document.getElementById('signform');
  if (!box || !form) return;
  var token = box.getAttribute('data-token');
  var canvas = document.getElementById('pad');
  var ctx = canvas.getContext('2d');
  var drawn = 0, last = null;
  var errorBox = document.getElementById('error'), confirmBox = document.getElementById('confirm');
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var a = new Uint8Array(16); crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }
  var key = newKey();
  ctx.lineWidth = 4; ctx.lineCap = 'round'; ctx.lineJoin = 'round'; ctx.strokeStyle = '#111';
  function point(e) {
    var r = canvas.getBoundingClientRect();
    return { x: (e.clientX - r.left) * canvas.width / r.width, y: (e.clientY - r.top) * canvas.height / r.height };
  }
  canvas.addEventListener('pointerdown', function (e) {
    canvas.setPointerCapture(e.pointerId); last = point(e); e.preventDefault();
    errorBox.hidden = true; // "please sign" is answered by signing
  });
  canvas.addEventListener('pointermove', function (e) {
    if (!last) return;
    var p = point(e);
    ctx.beginPath(); ctx.moveTo(last.x, last.y); ctx.lineTo(p.x, p.y); ctx.stroke();
    drawn += Math.abs(p.x - last.x) + Math.abs(p.y - last.y);
    last = p; e.preventDefault();
  });
  ['pointerup', 'pointercancel', 'pointerleave'].forEach(function (t) { canvas.addEventListener(t, function () { last = null; }); });
  document.getElementById('clear').addEventListener('click', function () {
    ctx.clearRect(0, 0, canvas.width, canvas.height); drawn = 0;
  });
  function fail(msg) { errorBox.textContent = msg; errorBox.hidden = false; confirmBox.hidden = true; errorBox.scrollIntoView({ block: 'center' }); }
  var names = { agree: '同意', disagree: '不同意', abstain: '弃权' };
  var reasonBox = document.getElementById('reason-box'), reason = document.getElementById('reason');
  function showReason() {
    var choice = form.querySelector('input[name=decision]:checked');
    reasonBox.hidden = !(choice && choice.value === 'disagree');
  }
  Array.prototype.forEach.call(form.querySelectorAll('input[name=decision]'), function (r) { r.addEventListener('change', showReason); });
  function show(id, text) {
    var el = document.getElementById(id);
    el.textContent = text;
    el.hidden = !text;
    var label = document.getElementById(id + '-label');
    if (label) label.hidden = !text;
  }
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    errorBox.hidden = true;
    var choice = form.querySelector('input[name=decision]:checked');
    if (!choice) return fail('请选择 同意、不同意 或 弃权');
    var signer = document.getElementById('signer').value.trim();
    if (!signer) return fail('请填写签名人姓名');
    if (choice.value !== 'abstain' && drawn < 30) return fail('请在签名框内手写签名');
    var why = choice.value === 'disagree' ? reason.value.trim() : '';
    pending = { decision: choice.value, signer_name: signer, idempotency_key: key, signature_png: drawn >= 30 ? canvas.toDataURL('image/png') : '', reason: why };
    show('confirm-plan', box.getAttribute('data-plan'));
    show('confirm-due', box.getAttribute('data-due'));
    show('confirm-decision', names[choice.value]);
    show('confirm-reason', why);
    show('confirm-signer', signer);
    var sig = document.getElementById('confirm-sig');
    if (pending.signature_png) { sig.src = pending.signature_png; sig.hidden = false; } else { sig.removeAttribute('src'); sig.hidden = true; }
    document.getElementById('confirm-sig-label').hidden = !pending.signature_png;
    confirmBox.hidden = false;
    confirmBox.scrollIntoView({ block: 'center' });
  });
  var pending = null;
  form.addEventListener('change', function () { confirmBox.hidden = true; });
  document.getElementById('confirm-no').addEventListener('click', function () { confirmBox.hidden = true; });
  document.getElementById('confirm-yes').addEventListener('click', function () {
    var body = pending;
    if (!body) return;
    var button = this;
    button.disabled = true;
    fetch('/api/v1/sign/' + encodeURIComponent(token), {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body)
    }).then(function (res) {
      return res.json().then(function (data) { return { ok: res.ok, data: data }; });
    }).then(function (r) {
      button.disabled = false;
      if (!r.ok) return fail(r.data.message || '提交失败，请稍后重试');
      document.getElementById('done-decision').textContent = names[r.data.decision] || r.data.decision;
      document.getElementById('done-code').textContent = r.data.code;
      document.getElementById('done-qr').src = '/qr?text=' + encodeURIComponent(box.getAttribute('data-verify') + r.data.code);
      var done = document.getElementById('done');
      done.hidden = false;
      form.hidden = true;
      var change = document.getElementById('change');
      if (change) change.hidden = true;
      var current = box.querySelector('.current');
      if (current) current.hidden = true;
      done.scrollIntoView({ block: 'start' });
      key = newKey(); // a later change of mind is a new decision
    }).catch(function () { button.disabled = false; fail('网络不通，请稍后再试；再次提交不会重复记录'); });
  });
})();

// The 改造意见箱: send an opinion or complaint through this household's
// link, and rate the handling once it is closed.
(function () {
  var box = document.getElementById('feedback');
  if (!box) return;
  var token = box.getAttribute('data-token');
  function post(path, body) {
    return fetch('/api/v1/sign/' + token + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (res) { return res.json().then(function (data) { return { ok: res.ok, data: data }; }); });
  }
  var msg = document.getElementById('fb-msg');
  document.getElementById('fb-form').addEventListener('submit', function (e) {
    e.preventDefault();
    post('/feedback', { category: document.getElementById('fb-category').value, text: document.getElementById('fb-text').value }).then(function (r) {
      if (!r.ok) { msg.className = 'bad'; msg.textContent = r.data.message; return; }
      msg.className = 'ok'; msg.textContent = '已收到您的意见，社区会在3天内答复，答复会显示在这里。';
      document.getElementById('fb-text').value = '';
    }, function () { msg.className = 'bad'; msg.textContent = '网络不通，请稍后再试'; });
  });
  box.addEventListener('click', function (e) {
    var b = e.target.closest('.fb-rate');
    if (!b) return;
    var li = b.closest('li');
    post('/feedback/' + li.getAttribute('data-id') + '/rating', { rating: b.getAttribute('data-rating') }).then(function (r) {
      var p = b.closest('.rate');
      p.textContent = r.ok ? '谢谢您的评价：' + r.data.rating : r.data.message;
    });
  });
})();

// 询异: once the count is posted, an objection under the resident's real
// name through this household's link; the server says whether it is heard.
(function () {
  var form = document.getElementById('ob-form');
  if (!form) return;
  var token = document.getElementById('objection').getAttribute('data-token');
  var msg = document.getElementById('ob-msg');
  // a phone photo is shrunk in the browser (longer side 2000 px, JPEG)
  // so that it stays under the server's 2 MB
  function photoURL(file) {
    if (!file) return Promise.resolve('');
    return new Promise(function (ok, no) {
      var img = new Image(), url = URL.createObjectURL(file);
      img.onload = function () {
        var scale = Math.min(1, 2000 / Math.max(img.naturalWidth, img.naturalHeight));
        var c = document.createElement('canvas');
        c.width = Math.round(img.naturalWidth * scale); c.height = Math.round(img.naturalHeight * scale);
        c.getContext('2d').drawImage(img, 0, 0, c.width, c.height);
        URL.revokeObjectURL(url);
        ok(c.toDataURL('image/jpeg', 0.85));
      };
      img.onerror = function () { URL.revokeObjectURL(url); no(new Error('photo')); };
      img.src = url;
    });
  }
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    msg.className = ''; msg.textContent = '正在提交……';
    photoURL(document.getElementById('ob-photo').files[0]).then(function (photo) {
      var body = { name: document.getElementById('ob-name').value, reason: document.getElementById('ob-reason').value };
      if (photo) body.photo = photo;
      return fetch('/api/v1/sign/' + encodeURIComponent(token) + '/objections', { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body) })
        .then(function (res) { return res.json().then(function (data) { return { ok: res.ok, data: data }; }); })
        .then(function (r) {
          if (!r.ok) { msg.className = 'bad'; msg.textContent = r.data.message; return; }
          msg.className = 'ok'; msg.textContent = '已收到您的异议（编号 ' + r.data.id + '），社区工作人员会逐条答复，答复会显示在本页。';
          form.reset();
        }, function () { msg.className = 'bad'; msg.textContent = '网络不通，请稍后再试'; });
    }, function () { msg.className = 'bad'; msg.textContent = '照片无法读取，请换一张 JPEG 或 PNG 照片，或不附照片提交'; });
  });
})();

// 公积金、维修资金: what this household may pay from each source (the
// server computes it; balances come back masked), and its own figures
// with its consent.
(function () {
  var box = document.getElementById('fund');
  if (!box) return;
  var token = box.getAttribute('data-token');
  var line = document.getElementById('fund-line'), msg = document.getElementById('fund-msg');
  var url = '/api/v1/sign/' + encodeURIComponent(token) + '/funding';
  var rel = { owner: '业主本人', spouse: '配偶', parent: '父母', child: '子女' };
  // yuan groups a decimal string from the server by thousands, without
  // turning it into a float
  function yuan(s) {
    var neg = s.charAt(0) === '-', x = neg ? s.slice(1) : s, parts = x.split('.');
    return (neg ? '-' : '') + parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ',') + '.' + ((parts[1] || '') + '00').slice(0, 2);
  }
  // percent reads a rate such as "0.30" as "30%", on the string
  function percent(r) {
    var parts = String(r).split('.'), f = ((parts[1] || '') + '00'), whole = String(Number(parts[0]) * 100 + Number(f.slice(0, 2)));
    var rest = f.slice(2).replace(/0+$/, '');
    return whole + (rest ? '.' + rest : '') + '%';
  }
  // p makes a paragraph of text and amounts; an amount ({yuan: "1234.50"})
  // stays on one line with its 元
  function p(parts, cls) {
    var x = document.createElement('p');
    [].concat(parts).forEach(function (part) {
      if (typeof part === 'string') { x.appendChild(document.createTextNode(part)); return; }
      var s = document.createElement('span'); s.className = 'amount'; s.textContent = yuan(part.yuan) + ' 元'; x.appendChild(s);
    });
    if (cls) x.className = cls;
    return x;
  }
  // who may use what, in plain words, from the rule the 社区 chose
  function rules(r) {
    var who = (r.gjj_relations || []).map(function (k) { return rel[k] || k; });
    var out = [];
    out.push(who.length ? '住房公积金：' + who.join('、') + '的公积金可以用来付这笔钱。' : '住房公积金：按本市规定不能用来付这笔钱。');
    if (r.maintenance_keep_rate) out.push('专项维修资金：可以用，但账户里要留下首期交存额的 ' + percent(r.maintenance_keep_rate) + '。');
    return out;
  }
  function show(v) {
    line.textContent = '';
    if (!v.rule) { line.appendChild(p('社区还没有设置本市的提取规则，设置后这里会显示可用金额。您可以先填写下面的信息。')); return; }
    var h = v.household;
    if (!h) return;
    rules(v.rule.rule || {}).forEach(function (t) { line.appendChild(p(t)); });
    line.appendChild(p(['您家应出资（已扣除政府补贴，不含每年的运行费用）：', { yuan: h.due }], 'fund-due'));
    var used = false;
    h.gjj.accounts.forEach(function (a) {
      used = true;
      line.appendChild(p(['从 ' + a.name + '（' + (rel[a.relation] || a.relation) + '）的公积金：'].concat(a.allowed ? ['可提取 ', { yuan: a.amount }] : ['按规定不能提取'])));
    });
    if (h.figures && h.figures.maintenance) { used = true; line.appendChild(p(['从维修资金：可使用 ', { yuan: h.maintenance.amount }])); }
    line.appendChild(p([used ? '还需您家自己付（现金或转账）：' : '还没有登记公积金或维修资金，目前需要您家自己付（现金或转账）：', { yuan: h.cash }], 'fund-cash'));
    if (v.apply_by) line.appendChild(p('公积金、维修资金请在 ' + v.apply_by + ' 前申请提取，过期不能再提。'));
    if (h.figures) {
      var f = h.figures;
      line.appendChild(p('已登记的账户：' + f.accounts.map(function (a) { return a.name + ' 余额 ' + a.balance; }).join('，') +
        (f.maintenance ? '；维修资金余额 ' + f.maintenance.balance : '') + '（' + (f.entered_by === 'household' ? '您家填写' : '社区录入') + '；为保护隐私，余额只显示第一位数字）'));
    }
  }
  function load() {
    return fetch(url).then(function (res) { return res.json(); }).then(show, function () {});
  }
  document.getElementById('fund-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var v = function (id) { return document.getElementById(id).value.trim(); };
    var body = { accounts: [], maintenance: null, consent: document.getElementById('fund-consent').checked };
    if (v('fund-name') || v('fund-gjj')) body.accounts.push({ name: v('fund-name'), relation: document.getElementById('fund-relation').value, balance: v('fund-gjj') });
    if (v('fund-first') || v('fund-balance')) body.maintenance = { first_deposit: v('fund-first'), balance: v('fund-balance') };
    msg.className = ''; msg.textContent = '正在保存……';
    fetch(url, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (res) { return res.json().then(function (data) { return { ok: res.ok, data: data }; }); })
      .then(function (r) {
        if (!r.ok) { msg.className = 'bad'; msg.setAttribute('role', 'alert'); msg.textContent = r.data.message; return; }
        msg.className = 'ok'; msg.setAttribute('role', 'status'); msg.textContent = '已保存，社区会据此办理。';
        document.getElementById('fund-form').reset();
        load();
      }, function () { msg.className = 'bad'; msg.textContent = '网络不通，请稍后再试'; });
  });
  load();
})();
