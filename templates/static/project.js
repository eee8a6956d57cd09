// The project page: households, scenario modelling with the live
// calculation, comparison, publishing, the consent dashboard, printing and
// questionnaires — all through the JSON API.
(function () {
  var app = document.getElementById('app');
  var id = app.getAttribute('data-project');
  var base = '/api/v1/projects/' + id;
  var el = rv.el, $ = function (x) { return document.getElementById(x); };
  var project = null, ballotRule = null, lastDeadline = null;
  // presets come from the API (GET /api/v1/presets): this script holds no
  // amounts, rates, coefficients or thresholds of its own.
  var presets = null;

  function val(x) { return $(x).value.trim(); }
  // readPhoto is the chosen file of input as a data URL (undefined when
  // none is chosen)
  function readPhoto(input) {
    var f = input.files[0];
    if (!f) return Promise.resolve(undefined);
    return new Promise(function (ok, fail) {
      var r = new FileReader(); r.onload = function () { ok(r.result); }; r.onerror = function () { fail(new Error('照片读取失败')); }; r.readAsDataURL(f);
    });
  }
  // photoLink opens a photo kept with a record, in a new tab
  function photoLink(kind, id, n, text) {
    return el('a', { href: base + '/photos/' + kind + '/' + id + (n > 1 ? '?n=' + n : ''), target: '_blank', class: 'photo-link', text: text || '照片' });
  }
  function voteName(v) { return { agree: '同意', disagree: '不同意', abstain: '弃权' }[v] || '未表决'; }
  function time(s) { return s ? new Date(s).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : ''; }

  // ---- households
  var cols = ['room', 'floor', 'area', 'owner', 'owner_id', 'phone', 'hardship', 'exempt', 'must_consent'];
  function hhRow(h) {
    var cells = cols.map(function (c) {
      var input = ['hardship', 'exempt', 'must_consent'].indexOf(c) >= 0
        ? el('input', { type: 'checkbox', 'data-col': c, 'aria-label': c })
        : el('input', { 'data-col': c, 'aria-label': c, value: h[c] === undefined || h[c] === null ? '' : String(h[c]) });
      if (input.type === 'checkbox') input.checked = !!h[c];
      return el('td', {}, [input]);
    });
    var del = el('button', { type: 'button', class: 'linkish', text: '删除' });
    del.addEventListener('click', function () {
      var room = tr.querySelector('[data-col=room]').value;
      if (window.confirm('删除 ' + (room || '这一行') + '？点“保存住户”后才真正删除。')) tr.remove();
    });
    var tr = el('tr', {}, cells.concat([el('td', {}, [del])]));
    return tr;
  }
  function showHouseholds(hs) {
    $('guide').hidden = hs.length > 0;
    var tbody = document.querySelector('#hh tbody');
    tbody.textContent = '';
    hs.forEach(function (h) { tbody.appendChild(hhRow(h)); });
    ['d-household', 'pr-household', 'mo-household'].forEach(function (sel) {
      var s = $(sel); s.textContent = '';
      hs.forEach(function (h) { s.appendChild(el('option', { value: h.id, text: h.room + (h.owner ? '（' + h.owner + '）' : '') })); });
    });
  }
  function readHouseholds() {
    return Array.prototype.map.call(document.querySelectorAll('#hh tbody tr'), function (tr) {
      var h = {};
      tr.querySelectorAll('input').forEach(function (i) {
        var c = i.getAttribute('data-col');
        if (i.type === 'checkbox') h[c] = i.checked;
        else if (c === 'floor') h[c] = parseInt(i.value, 10) || 0;
        else if (i.value.trim() !== '' || c === 'room' || c === 'area') h[c] = i.value.trim();
      });
      return h;
    });
  }
  $('ct-save').addEventListener('click', function () {
    rv.api('PUT', base + '/contact', { name: val('ct-name'), phone: val('ct-phone'), office: val('ct-office') }).then(function (p) {
      project.contact = p.contact; project.contact_line = p.contact_line;
      $('ct-show').textContent = p.contact.name || '未填写';
      rv.flash('联系人已保存');
    }, rv.error);
  });
  var termFields = ['party_a', 'party_a_rep', 'account_name', 'account_bank', 'account_number', 'compensation_by'];
  $('tm-save').addEventListener('click', function () {
    var t = {};
    termFields.forEach(function (f) { t[f] = val('tm-' + f); });
    rv.api('PUT', base + '/terms', t).then(function (p) {
      project.terms = p.terms; termsHint();
      $('tm-show').textContent = p.terms.party_a || '未填写（协议上留空，开会时手写）';
      rv.clearFieldErrors();
      rv.flash(p.ballot ? '已保存：下次发布方案时印到协议上' : '协议要素已保存');
    }, function (e) { rv.fieldError(termFields.indexOf(e.field) >= 0 ? $('tm-' + e.field) : null, e); });
  });
  function termsHint() { $('p-terms-missing').hidden = !!(project.terms.party_a && project.terms.account_number); }
  function loadProject() {
    return rv.api('GET', base).then(function (p) { project = p; showHouseholds(p.households); termsHint(); calcSoon(); return p; });
  }
  // slip is one household's printed 领取条: where, who, what to do, until
  // when, whom to ask, and the link as a QR code and as text.
  function slip(l, what, deadline) {
    return el('div', { class: 'slip' }, [el('img', { src: '/qr?text=' + encodeURIComponent(l.url), alt: l.room + ' 的二维码' }),
      el('div', {}, [el('b', { text: project.name }), el('br'), el('b', { class: 'room', text: l.room + ' 室' }), el('br'),
        el('span', { text: what + (deadline ? '，请在 ' + time(deadline) + '（北京时间）前完成' : '') + '。' }), el('br'),
        el('a', { href: l.url, class: what.indexOf('问卷') >= 0 ? 'qlink' : 'link', text: l.url }),
        el('small', { text: project.contact_line })])]);
  }
  $('hh-add').addEventListener('click', function () {
    document.querySelector('#hh tbody').appendChild(hhRow({ floor: 1, area: '' }));
  });
  $('hh-save').addEventListener('click', function () {
    rv.api('PUT', base + '/households', { households: readHouseholds() })
      .then(function (p) { project = p; showHouseholds(p.households); rv.clearFieldErrors(); rv.flash('已保存 ' + p.households.length + ' 户'); calcSoon(); }, function (e) {
        // households[3].area → the area input of the fourth row
        var m = /^households\[(\d+)\](?:\.(\w+))?/.exec(e.field || ''), tr = m && document.querySelectorAll('#hh tbody tr')[+m[1]];
        rv.fieldError(tr ? tr.querySelector('[data-col=' + (m[2] || 'room') + ']') : null, e);
      });
  });
  $('hh-csv').addEventListener('change', function () {
    var f = this.files[0]; if (!f) return;
    // the bytes as they are: the server tells UTF-8 from GBK, and reads
    // workbooks
    var xlsx = /\.xlsx$/i.test(f.name);
    f.arrayBuffer().then(function (bytes) {
      return rv.api('PUT', base + '/households', bytes, xlsx ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv');
    }).then(function (p) { project = p; showHouseholds(p.households); rv.flash('已导入 ' + p.households.length + ' 户'); calcSoon(); }, rv.error);
    this.value = '';
  });
  $('hh-export').href = base + '/households.csv';
  $('hh-export-xlsx').href = base + '/households.xlsx';

  // ---- scenario modelling
  function byKey(list, key) { return list.filter(function (x) { return x.key === key; })[0]; }
  function rangeText(list) { return (list || []).map(function (r) { return r.floors + ':' + r.value; }).join(', '); }
  function tableText(list) { return (list || []).map(function (r) { return r.min_floors + ':' + r.amount; }).join(', '); }
  function costRow(c) {
    var del = el('button', { type: 'button', class: 'linkish', text: '删除' });
    var tr = el('tr', {}, [el('td', {}, [el('input', { value: c.name || '', 'aria-label': '费用名称' })]),
      el('td', {}, [el('input', { value: c.amount || '', 'aria-label': '金额' })]), el('td', {}, [del])]);
    del.addEventListener('click', function () { tr.remove(); calcSoon(); });
    return tr;
  }
  function subRow(s) {
    var type = el('select', { 'aria-label': '补贴类型' }, [el('option', { value: 'fixed', text: '固定金额' }), el('option', { value: 'percent', text: '按比例' }), el('option', { value: 'by_floors', text: '按层数' })]);
    type.value = s.type;
    var del = el('button', { type: 'button', class: 'linkish', text: '删除' });
    var tr = el('tr', {}, [el('td', {}, [el('input', { value: s.name || '', 'aria-label': '补贴名称' })]), el('td', {}, [type]),
      el('td', {}, [el('input', { value: s.amount || s.rate || '', 'aria-label': '金额或比例' })]),
      el('td', {}, [el('input', { value: s.cap || tableText(s.table), 'aria-label': '封顶或层数表' })]), el('td', {}, [del])]);
    del.addEventListener('click', function () { tr.remove(); calcSoon(); });
    return tr;
  }
  $('m-cost-add').addEventListener('click', function () { document.querySelector('#m-costs tbody').appendChild(costRow({})); });
  function compRow(c) {
    var room = el('select', { 'aria-label': '房号' });
    (project ? project.households : []).forEach(function (h) { room.appendChild(el('option', { value: h.room, text: h.room })); });
    if (c.household) room.value = c.household;
    var del = el('button', { type: 'button', class: 'linkish', text: '删除' });
    var tr = el('tr', {}, [el('td', {}, [room]), el('td', {}, [el('input', { value: c.amount || '', 'aria-label': '补偿金额' })]), el('td', {}, [del])]);
    del.addEventListener('click', function () { tr.remove(); calcSoon(); });
    return tr;
  }
  $('m-comp-add').addEventListener('click', function () {
    document.querySelector('#m-comps tbody').appendChild(compRow({ amount: presets ? presets.starter.compensation : '' })); calcSoon();
  });
  $('m-sub-add').addEventListener('click', function () {
    var p = presets && byKey(presets.subsidies, $('m-sub-preset').value) || { type: 'fixed' };
    document.querySelector('#m-subs tbody').appendChild(subRow(p)); calcSoon();
  });
  function setAllocation(a) {
    $('m-method').value = a.method; $('m-ranges').value = rangeText(a.coefficients || a.percents);
  }
  $('m-alloc-preset').addEventListener('change', function () {
    var p = presets && byKey(presets.allocations, this.value); if (!p) return;
    setAllocation(p); calcSoon();
  });
  // fillModel puts a scenario document (the calculation contract without
  // households) into the modelling form.
  function fillModel(doc) {
    $('m-name').value = doc.name || '';
    if (doc.floors) $('m-floors').value = doc.floors;
    var costs = document.querySelector('#m-costs tbody'); costs.textContent = '';
    (doc.costs || []).forEach(function (c) { costs.appendChild(costRow(c)); });
    var subs = document.querySelector('#m-subs tbody'); subs.textContent = '';
    (doc.subsidies || []).forEach(function (s) { subs.appendChild(subRow(s)); });
    var comps = document.querySelector('#m-comps tbody'); comps.textContent = '';
    (doc.compensations || []).forEach(function (c) { comps.appendChild(compRow(c)); });
    setAllocation(doc.allocation || { method: 'area' });
    var h = doc.hardship || {};
    $('m-relief').value = h.relief_rate || '0'; $('m-funded').value = h.funded_by || 'others'; $('m-fund').value = h.fund || '0';
    var i = doc.installments;
    $('m-inst').checked = !!i;
    if (i) {
      $('m-down').value = i.down_payment_rate || '0'; $('m-months').value = i.months || 1; $('m-rate').value = i.annual_rate || '0';
      $('m-imethod').value = i.method || 'equal'; $('m-start').value = i.start || '';
    }
    $('m-operating').value = doc.operating ? doc.operating.annual : '';
  }
  function loadPresets() {
    return rv.api('GET', '/api/v1/presets').then(function (p) {
      presets = p;
      var subSel = $('m-sub-preset'), allocSel = $('m-alloc-preset'), ruleSel = $('p-rule');
      p.subsidies.forEach(function (s) { subSel.appendChild(el('option', { value: s.key, text: s.name + '（' + s.comment + '）' })); });
      p.allocations.forEach(function (a) { allocSel.appendChild(el('option', { value: a.key, text: a.name + '（' + a.comment + '）' })); });
      ruleSel.textContent = '';
      p.rules.forEach(function (r) { ruleSel.appendChild(el('option', { value: r.key, text: '民法典278条 ' + r.name })); });
      ruleSel.appendChild(el('option', { value: 'custom', text: '自定义' }));
      var f = p.rules[0].fractions;
      $('p-pa').value = f.participation_area; $('p-po').value = f.participation_owners;
      $('p-aa').value = f.approval_area; $('p-ao').value = f.approval_owners;
      fillModel(p.starter);
    });
  }
  function ranges(text) {
    return text.split(/[,，]/).map(function (s) { return s.trim(); }).filter(Boolean).map(function (s) {
      var kv = s.split(/[:：]/); return { floors: kv[0].trim(), value: (kv[1] || '').trim() };
    });
  }
  // scenarioInput is the calculation contract without households.
  function scenarioInput() {
    var doc = { name: val('m-name'), floors: parseInt(val('m-floors'), 10) || undefined, costs: [], subsidies: [] };
    document.querySelectorAll('#m-costs tbody tr').forEach(function (tr) {
      var i = tr.querySelectorAll('input'); doc.costs.push({ name: i[0].value.trim(), amount: i[1].value.trim() || '0' });
    });
    document.querySelectorAll('#m-subs tbody tr').forEach(function (tr) {
      var i = tr.querySelectorAll('input'), type = tr.querySelector('select').value, s = { name: i[0].value.trim(), type: type };
      if (type === 'fixed') s.amount = i[1].value.trim() || '0';
      if (type === 'percent') { s.rate = i[1].value.trim() || '0'; if (i[2].value.trim()) s.cap = i[2].value.trim(); }
      if (type === 'by_floors') s.table = ranges(i[2].value).map(function (r) { return { min_floors: parseInt(r.floors, 10), amount: r.value }; });
      doc.subsidies.push(s);
    });
    var comps = [];
    document.querySelectorAll('#m-comps tbody tr').forEach(function (tr) {
      var amount = tr.querySelector('input').value.trim();
      if (amount) comps.push({ household: tr.querySelector('select').value, amount: amount });
    });
    if (comps.length) doc.compensations = comps;
    var method = $('m-method').value;
    doc.allocation = { method: method };
    if (method === 'coefficient_area' || method === 'coefficient') doc.allocation.coefficients = ranges(val('m-ranges'));
    if (method === 'floor_percent' || method === 'household_percent') doc.allocation.percents = ranges(val('m-ranges'));
    doc.hardship = { relief_rate: val('m-relief') || '0', funded_by: $('m-funded').value, fund: val('m-fund') || '0' };
    if ($('m-inst').checked) doc.installments = { down_payment_rate: val('m-down') || '0', months: parseInt(val('m-months'), 10) || 1,
      annual_rate: val('m-rate') || '0', method: $('m-imethod').value, start: val('m-start') };
    if (val('m-operating')) doc.operating = { annual: val('m-operating') };
    return doc;
  }
  function calcDoc() {
    var doc = scenarioInput();
    doc.households = (project ? project.households : []).map(function (h) {
      return { id: h.room, floor: h.floor, area: h.area, owner: h.owner, hardship: h.hardship, exempt: h.exempt };
    });
    return doc;
  }
  var timer = null;
  function calcSoon() { clearTimeout(timer); timer = setTimeout(calc, 350); }
  function calc() {
    var out = $('m-result');
    if (!project || !project.households.length) { out.textContent = '请先录入住户。'; return; }
    rv.api('POST', '/api/v1/calc', calcDoc()).then(function (r) {
      out.textContent = '';
      out.appendChild(el('p', { class: 'totals', text: '总造价 ' + rv.money(r.total_cost) + ' 元，补贴 ' + rv.money(r.total_subsidy) +
        ' 元，补偿 ' + rv.money(r.total_compensation) + ' 元，分摊总额 ' + rv.money(r.pool) + ' 元' }));
      var words = el('p', { class: 'words', id: 'm-words' }); out.appendChild(words);
      rv.api('GET', '/api/v1/words/' + r.total_due).then(function (w) { words.textContent = '各户应出资合计：' + w.words; }, function () {});
      out.appendChild(el('h3', { text: '各楼层出资' }));
      out.appendChild(rv.bars(r.floor_totals.map(function (f) { return f.floor + ' 层'; }), [{ name: '应出资', values: r.floor_totals.map(function (f) { return parseFloat(f.due); }) }],
        function (v) { return rv.money(v.toFixed(2)) + ' 元'; }));
      out.appendChild(rv.table(['楼层', '户数', '分摊', '应出资'], r.floor_totals.map(function (f) { return [f.floor, f.households, rv.money(f.share), rv.money(f.due)]; })));
      out.appendChild(el('h3', { text: '每户明细（元）' }));
      out.appendChild(el('div', { class: 'scroll' }, [rv.table(['房号', '楼层', '面积', '权重', '分摊', '减免', '代担', '补偿', '应出资', '首付', '年运行费'],
        r.households.map(function (h) {
          return [h.id, h.floor, h.area, h.weight, rv.money(h.share), rv.money(h.relief), rv.money(h.extra), rv.money(h.compensation),
            rv.money(h.due), h.plan ? rv.money(h.plan.down_payment) : '—', rv.money(h.operating_annual)];
        }))]));
      rv.show('error', ''); rv.clearFieldErrors(); out.classList.remove('stale');
    }, function (e) { out.classList.add('stale'); rv.fieldError(modelInput(e.field), e); });
  }
  // modelInput is the form input an error's field path is about.
  function modelInput(field) {
    var ids = { name: 'm-name', floors: 'm-floors', hardship: 'm-relief', 'hardship.relief_rate': 'm-relief', 'hardship.fund': 'm-fund',
      'installments.down_payment_rate': 'm-down', 'installments.annual_rate': 'm-rate', 'installments.months': 'm-months',
      'installments.start': 'm-start', 'installments.method': 'm-imethod', 'operating.annual': 'm-operating' };
    if (!field) return null;
    if (ids[field]) return $(ids[field]);
    if (/^allocation/.test(field)) return $('m-ranges');
    var m = /^(costs|subsidies|compensations)\[(\d+)\](?:\.(\w+))?/.exec(field);
    if (!m) return null;
    var tr = document.querySelectorAll('#m-' + { costs: 'costs', subsidies: 'subs', compensations: 'comps' }[m[1]] + ' tbody tr')[+m[2]];
    if (!tr) return null;
    var cells = tr.querySelectorAll('input, select');
    var at = { costs: { name: 0, amount: 1 }, subsidies: { name: 0, type: 1, amount: 2, rate: 2, cap: 3, table: 3 }, compensations: { household: 0, amount: 1 } }[m[1]];
    return cells[at[m[3]] || 0] || null;
  }
  $('model').addEventListener('input', calcSoon);
  $('model').addEventListener('change', calcSoon);
  // editing is the saved draft the form holds, or null for a new one
  var editing = null;
  function setEditing(s) {
    editing = s && s.status !== 'published' ? s : null;
    $('m-update').hidden = !editing;
    $('m-editing').textContent = !s ? '' : (editing ? '正在修改“' + s.name + '”' : '“' + s.name + '”已发布，不能修改；可以改后保存为新方案');
  }
  $('m-save').addEventListener('click', function () {
    rv.api('POST', base + '/scenarios', scenarioInput()).then(function (s) { rv.flash('已保存方案“' + s.name + '”'); setEditing(s); loadScenarios(s.id); }, rv.error);
  });
  $('m-update').addEventListener('click', function () {
    if (!editing) return;
    rv.api('PUT', base + '/scenarios/' + editing.id, scenarioInput()).then(function (s) { rv.flash('已保存修改“' + s.name + '”'); setEditing(s); loadScenarios(s.id); }, rv.error);
  });
  function openSaved(copy) {
    return rv.api('GET', base + '/scenarios/' + $('m-saved').value).then(function (s) {
      fillModel(s.input);
      if (copy) { $('m-name').value = s.name + '（副本）'; setEditing(null); rv.flash('已复制“' + s.name + '”，修改后点“保存为新方案”'); }
      else { setEditing(s); rv.flash('已打开“' + s.name + '”'); }
      calcSoon();
    }, rv.error);
  }
  $('m-open').addEventListener('click', function () { openSaved(false); });
  $('m-copy').addEventListener('click', function () { openSaved(true); });

  // ---- scenarios, comparison, publishing
  function loadScenarios(select) {
    return rv.api('GET', base + '/scenarios').then(function (ss) {
      ['c-a', 'c-b', 'p-scenario', 'm-saved'].forEach(function (sel) {
        var s = $(sel); s.textContent = '';
        ss.forEach(function (x) { s.appendChild(el('option', { value: x.id, text: x.name + (x.status === 'published' ? '（已发布）' : '') })); });
      });
      if (ss.length > 1) $('c-b').value = ss[ss.length - 1].id;
      if (select) $('m-saved').value = select;
      updateCardLink();
    }, rv.error);
  }
  // inputRows describes a scenario's inputs line by line, to set two side
  // by side.
  var methodNames = { coefficient_area: '系数 × 面积', coefficient: '按楼层系数', area: '按面积', equal: '按户均摊', floor_percent: '按楼层比例', household_percent: '按每户比例' };
  function inputRows(d) {
    var i = d.installments, h = d.hardship, a = d.allocation || {};
    return [
      ['费用', (d.costs || []).map(function (c) { return c.name + ' ' + rv.money(c.amount); }).join('；')],
      ['财政补贴', (d.subsidies || []).map(function (s) {
        return s.name + ' ' + (s.type === 'fixed' ? rv.money(s.amount) : s.type === 'percent' ? '比例 ' + s.rate + (s.cap ? '，封顶 ' + rv.money(s.cap) : '') : '按层数 ' + tableText(s.table));
      }).join('；') || '无'],
      ['低楼层补偿', (d.compensations || []).map(function (c) { return c.household + ' ' + rv.money(c.amount); }).join('；') || '无'],
      ['分摊方式', (methodNames[a.method] || a.method) + (a.coefficients || a.percents ? '（' + rangeText(a.coefficients || a.percents) + '）' : '')],
      ['困难户减免', h ? '减免 ' + h.relief_rate + '，' + (h.funded_by === 'fund' ? '专项资金 ' + rv.money(h.fund || '0') : '其他出资户分担') : '无'],
      ['分期', i ? '首付 ' + i.down_payment_rate + '，' + i.months + ' 期，年利率 ' + (i.annual_rate || '0') + '，首付日 ' + (i.start || '') : '不分期'],
      ['年运行费', d.operating ? rv.money(d.operating.annual) : '无']];
  }
  function compareInputs(a, b) {
    return Promise.all([rv.api('GET', base + '/scenarios/' + a), rv.api('GET', base + '/scenarios/' + b)]).then(function (s) {
      var ra = inputRows(s[0].input), rb = inputRows(s[1].input);
      return rv.table(['方案内容', s[0].name, s[1].name], ra.map(function (r, k) {
        var same = r[1] === rb[k][1];
        return [r[0], r[1], same ? el('span', { class: 'muted', text: '相同' }) : el('b', { class: 'changed', text: rb[k][1] })];
      }), 'left inputs');
    });
  }
  $('c-go').addEventListener('click', function () {
    rv.api('GET', base + '/compare?a=' + $('c-a').value + '&b=' + $('c-b').value).then(function (c) {
      var out = $('c-result'); out.textContent = '';
      var diff = function (d) { return el('span', { class: d.charAt(0) === '-' ? 'down' : (d === '0.00' ? '' : 'up'), text: (d.charAt(0) === '-' || d === '0.00' ? '' : '+') + rv.money(d) }); };
      out.appendChild(rv.bars(c.floors.map(function (f) { return f.floor + ' 层'; }), [
        { name: c.a.name, values: c.floors.map(function (f) { return parseFloat(f.a); }), cls: 'a' },
        { name: c.b.name, values: c.floors.map(function (f) { return parseFloat(f.b); }), cls: 'b' }], function (v) { return rv.money(v.toFixed(2)); }));
      out.appendChild(el('p', { class: 'legend' }, [el('span', { class: 'key a', text: '■ ' + c.a.name }), ' ', el('span', { class: 'key b', text: '■ ' + c.b.name })]));
      out.appendChild(rv.table(['楼层', c.a.name, c.b.name, '差额'], c.floors.map(function (f) { return [f.floor, rv.money(f.a), rv.money(f.b), diff(f.diff)]; })));
      out.appendChild(rv.table(['房号', c.a.name, c.b.name, '差额'], c.households.map(function (h) { return [h.room, rv.money(h.a), rv.money(h.b), diff(h.diff)]; })));
      return compareInputs($('c-a').value, $('c-b').value).then(function (t) {
        out.insertBefore(t, out.firstChild);
        out.insertBefore(el('h3', { text: '方案内容对比' }), t);
        out.insertBefore(el('h3', { text: '各楼层、各户出资对比' }), t.nextSibling);
      }).catch(rv.error);
    }, rv.error);
  });
  $('p-rule').addEventListener('change', function () { $('p-custom').hidden = this.value !== 'custom'; });
  function deadlineValue(x) { return val(x).replace('T', ' '); }
  $('p-go').addEventListener('click', function () {
    var name = $('p-scenario').selectedOptions[0] ? $('p-scenario').selectedOptions[0].text : '';
    if (!window.confirm('发布“' + name + '”？\n发布后住户名单和方案都将冻结，不能再修改；要改只能发布新方案（旧链接随之失效）。')) return;
    var rule = $('p-rule').value;
    if (rule === 'custom') rule = { participation_area: val('p-pa'), participation_owners: val('p-po'), approval_area: val('p-aa'), approval_owners: val('p-ao'), approval_strict: $('p-strict').checked };
    rv.api('POST', base + '/scenarios/' + $('p-scenario').value + '/publish', { rule: rule, deadline: deadlineValue('p-deadline'), objection_days: parseInt(val('p-objection-days'), 10) || 0 }).then(function (r) {
      var out = $('p-links'); out.textContent = '';
      out.appendChild(el('p', { class: 'ok', text: '已发布，方案指纹 ' + r.ballot.sha256 + '。请把下面的领取条打印出来发给各户（链接只显示这一次）。' }));
      var print = el('button', { type: 'button', text: '打印领取条' }); print.addEventListener('click', function () { rv.printOnly($('p-links')); });
      out.appendChild(print);
      out.appendChild(el('div', { class: 'slips' }, r.links.map(function (l) {
        return slip(l, '请用手机扫码（或打开链接），查看本户出资金额并表决、签名', r.ballot.deadline);
      })));
      rv.flash('已发布'); loadScenarios(); dashboard(); document.dispatchEvent(new Event('rv:ballot'));
    }, rv.error);
  });

  // ---- consent dashboard
  // thresholds are the rule's percentages as the server spells them out.
  function thresholds(t) {
    var th = t.thresholds;
    return [th.participation_area, th.participation_owners, th.approval_area, th.approval_owners].map(function (x) { return parseFloat(x) / 100; });
  }
  function progress(label, num, den, need, met, unit) {
    var pct = den > 0 ? num / den : 0;
    return el('div', { class: 'progress' }, [
      el('div', { class: 'plabel', text: label + '：' + num + unit + ' / ' + den + unit + '（' + (pct * 100).toFixed(1) + '%，门槛 ' + (need * 100).toFixed(1) + '%）' + (met ? ' ✔' : '') }),
      el('div', { class: 'ptrack' }, [el('div', { class: 'pfill' + (met ? ' met' : ''), style: 'width:' + Math.min(100, pct * 100).toFixed(1) + '%' }),
        el('div', { class: 'pneed', style: 'left:' + (need * 100).toFixed(1) + '%' })])]);
  }
  function dashboard() {
    return rv.api('GET', base + '/tally').then(function (t) {
      ballotRule = t.rule; lastDeadline = t.deadline;
      var th = thresholds(t), bars = $('d-bars'); bars.textContent = '';
      var pa = parseFloat(t.participation.area), ta = parseFloat(t.total.area), aa = parseFloat(t.approval.area);
      bars.appendChild(progress('参与表决的专有面积', pa, ta, th[0], t.participation.area_met, '㎡'));
      bars.appendChild(progress('参与表决的人数', t.participation.owners, t.total.owners, th[1], t.participation.owners_met, '人'));
      bars.appendChild(progress('同意的面积（占参与）', aa, pa, th[2], t.approval.area_met, '㎡'));
      bars.appendChild(progress('同意的人数（占参与）', t.approval.owners, t.participation.owners, th[3], t.approval.owners_met, '人'));
      // the server words where the vote stands: while open a count is a snapshot
      bars.appendChild(el('p', { class: t.state === 'final' && t.passed ? 'ok' : '', id: 'd-summary', text: t.state_text }));
      if (t.must_consent_missing.length) bars.appendChild(el('p', { class: 'bad', text: '须本人同意而尚未同意：' + t.must_consent_missing.join('、') }));
      $('d-updated').textContent = '更新于 ' + time(new Date().toISOString());
      return rv.api('GET', base + '/decisions');
    }).then(function (ds) {
      var latest = {};
      ds.forEach(function (d) { latest[d.room] = d; });
      var only = $('d-only-undecided').checked;
      $('d-table').textContent = '';
      $('d-table').appendChild(rv.table(['房号', '业主', '电话', '意见', '方式', '签名人', '时间', '核验码', '纸质单'], project.households.filter(function (h) {
        return !only || !latest[h.room];
      }).map(function (h) {
        var d = latest[h.room], who = [h.room, h.owner || '', h.phone_masked];
        return who.concat(d ? [voteName(d.decision), d.method === 'paper' ? '纸质' : '手机', d.signer, time(d.signed_at), d.code,
          d.has_photo ? photoLink('decision', d.id) : ''] : ['未表决', '', '', '', '', '']);
      }), 'decisions'));
      return rv.api('GET', base + '/undecided');
    }).then(function (u) {
      $('d-follow-count').textContent = '共 ' + u.households.length + ' 户，截止 ' + time(u.deadline);
      $('d-undecided').textContent = '';
      $('d-undecided').appendChild(rv.table(['房号', '业主', '电话', '签署链接', '打开次数', '最近打开'], u.households.map(function (h) {
        return [h.room, h.owner, h.phone_masked, h.linked ? '已发放' : '无有效链接，请补发', String(h.views), h.last_view ? time(h.last_view) : '从未打开'];
      }), 'left undecided'));
      $('d-reminder').value = u.reminder;
    }, rv.error);
  }
  $('d-only-undecided').addEventListener('change', function () { dashboard(); });
  $('d-xlsx').href = base + '/undecided.xlsx';
  $('d-print').addEventListener('click', function () { rv.printOnly($('d-follow')); });
  $('d-copy').addEventListener('click', function () {
    var t = $('d-reminder'); t.select();
    (navigator.clipboard ? navigator.clipboard.writeText(t.value) : Promise.reject(new Error('')))
      .then(function () { rv.flash('已复制，可以粘贴到微信群'); }, function () { document.execCommand('copy'); rv.flash('已复制，可以粘贴到微信群'); });
  });
  setInterval(function () { if (ballotRule !== null) dashboard(); }, 10000);
  $('d-record').addEventListener('click', function () {
    var f = $('d-photo').files[0];
    if (!f) { rv.error(new Error('请选择纸质表决单的照片')); return; }
    var reader = new FileReader();
    reader.onload = function () {
      rv.api('POST', base + '/households/' + $('d-household').value + '/decisions', { decision: $('d-vote').value, signer_name: val('d-signer'),
        witness: val('d-witness'), photo: reader.result, idempotency_key: rv.key() }).then(function () { rv.flash('已录入纸质表决'); resetPaper(); dashboard(); }, rv.error);
    };
    reader.readAsDataURL(f);
  });

  $('p-reprint').addEventListener('click', function () {
    if (!window.confirm('为全部住户重新生成签署链接？\n已经发出的领取条将全部失效，必须把新领取条重新发到每一户。已表决的结果不受影响。')) return;
    rv.api('POST', base + '/links').then(function (r) {
      var out = $('p-links'); out.textContent = '';
      out.appendChild(el('p', { class: 'ok', text: '已为 ' + r.links.length + ' 户重新生成链接，旧领取条已失效。请打印下面的新领取条发给各户。' }));
      var print = el('button', { type: 'button', text: '打印领取条' }); print.addEventListener('click', function () { rv.printOnly($('p-links')); });
      out.appendChild(print);
      out.appendChild(el('div', { class: 'slips' }, r.links.map(function (l) {
        return slip(l, '请用手机扫码（或打开链接），查看本户出资金额并表决、签名', lastDeadline);
      })));
      rv.flash('已重新生成全部领取条'); dashboard();
    }, rv.error);
  });
  // the paper form belongs to one household: a new choice starts it afresh
  function resetPaper() {
    ['d-signer', 'd-witness', 'd-photo'].forEach(function (x) { $(x).value = ''; });
    $('d-vote').selectedIndex = 0; $('d-newlink').textContent = '';
  }
  $('d-household').addEventListener('change', resetPaper);
  $('d-relink').addEventListener('click', function () {
    rv.api('POST', base + '/households/' + $('d-household').value + '/link').then(function (l) {
      var box = $('d-newlink'); box.textContent = '';
      box.appendChild(el('p', { text: '房号 ' + l.room + ' 的新领取条（旧链接已失效）：' }));
      var s = slip(l, '请用手机扫码（或打开链接），查看本户出资金额并表决、签名', lastDeadline);
      box.appendChild(s);
      var print = el('button', { type: 'button', class: 'secondary', text: '打印这张领取条' });
      print.addEventListener('click', function () { rv.printOnly(s); });
      box.appendChild(print);
    }, rv.error);
  });

  // ---- printing
  function updatePrintLinks() { $('pr-agreement').href = base + '/agreements/' + $('pr-household').value + '.pdf'; }
  $('pr-household').addEventListener('change', updatePrintLinks);
  $('pr-booklet').href = base + '/booklet.pdf';
  $('pr-notice').href = base + '/notice.pdf'; $('pr-signin').href = base + '/signin.pdf';
  $('pr-card').href = base + '/card.pdf'; $('pr-ballots').href = base + '/ballots.pdf';
  function updateCardLink() { $('m-card').href = base + '/card.pdf' + ($('m-saved').value ? '?scenario=' + $('m-saved').value : ''); }
  $('m-saved').addEventListener('change', updateCardLink);
  $('p-notice').href = base + '/notice.pdf';
  $('pr-audit').addEventListener('click', function () {
    rv.api('GET', base + '/audit').then(function (a) {
      $('pr-audit-result').className = a.ok ? 'ok' : 'bad';
      $('pr-audit-result').textContent = a.ok ? '审计日志完整：' + a.events + ' 条事件，全部相符。' : '校验未通过：' + a.reason;
    }, rv.error);
  });
  // the chain: a refusal to write stays in view until someone acts; each
  // independent witness says how far behind it is
  function showChain() {
    rv.api('GET', base + '/chain').then(function (st) {
      var alarm = $('chain-alarm');
      alarm.hidden = !st.broken;
      if (st.broken) alarm.textContent = '⚠ ' + time(st.broken.at) + ' 起本项目停止写入：' + st.broken.message;
      var parts = st.witnesses.map(function (w) {
        return w.url + '：' + (w.pending ? '尚有 ' + w.pending + ' 条未确认' : '已全部确认') +
          (w.last_ok && w.last_ok.indexOf('0001-') !== 0 ? '，上次确认 ' + time(w.last_ok) : '，从未确认') + (w.last_error ? '（' + w.last_error + '）' : '');
      });
      $('chain-witnesses').textContent = (st.witnessed ? '见证记录到第 ' + st.witnessed.seq + ' 条。' : '') +
        (parts.length ? '独立见证方：' + parts.join('；') : '未设独立见证方（serve --witness）。');
    }, function () {});
  }
  showChain();
  setInterval(showChain, 60000);

  // ---- questionnaires
  rv.api('GET', '/api/v1/survey/presets').then(function (ps) {
    var box = $('s-presets');
    ps.forEach(function (p) {
      box.appendChild(el('fieldset', { class: 'preset' }, [el('legend', { text: p.category + '（' + p.note + '）' })].concat(p.items.map(function (it) {
        return el('label', { class: 'inline' }, [el('input', { type: 'checkbox', value: it, class: 's-item' }), ' ' + it]);
      }))));
    });
  }, rv.error);
  $('s-create').addEventListener('click', function () {
    var items = Array.prototype.map.call(document.querySelectorAll('.s-item:checked'), function (i) { return i.value; })
      .concat(val('s-extra').split(/[,，、]/).map(function (x) { return x.trim(); }).filter(Boolean))
      .filter(function (v, i, a) { return a.indexOf(v) === i; });
    var qs = [];
    if (items.length) qs.push({ id: 'q1', kind: 'choose_k', text: '您认为最需要改造的是哪几项？', k: Math.min(parseInt(val('s-k'), 10) || 3, items.length), items: items });
    if ($('s-rank').checked && items.length > 1) qs.push({ id: 'q2', kind: 'rank', text: '请按重要程度排序', items: items });
    if ($('s-rating').checked) qs.push({ id: 'q3', kind: 'rating', text: '您对改造的满意程度' });
    if ($('s-text').checked) qs.push({ id: 'q4', kind: 'text', text: '您的意见和建议' });
    var others = Array.prototype.map.call(document.querySelectorAll('.s-project:checked'), function (i) { return parseInt(i.value, 10); });
    var body = { title: val('s-title'), deadline: deadlineValue('s-deadline'), questions: qs };
    var sent = others.length
      ? rv.api('POST', '/api/v1/questionnaires', Object.assign(body, { projects: [parseInt(id, 10)].concat(others) })).then(function (r) { return r.questionnaires; })
      : rv.api('POST', base + '/questionnaires', body).then(function (r) { return [r]; });
    sent.then(function (list) {
      var out = $('s-links'); out.textContent = '';
      list.forEach(function (r) {
        if (list.length > 1) out.appendChild(el('h4', { text: '项目 ' + r.questionnaire.project }));
        out.appendChild(el('div', { class: 'slips' }, r.links.map(function (l) {
          return slip(l, '请用手机扫码（或打开链接）填写问卷“' + r.questionnaire.title + '”', r.questionnaire.deadline);
        })));
      });
      var mine = list.filter(function (r) { return String(r.questionnaire.project) === String(id); })[0];
      rv.flash('问卷已发出'); loadSurveys(mine.questionnaire.id);
    }, rv.error);
  });
  function loadSurveys(select) {
    return rv.api('GET', base + '/questionnaires').then(function (qs) {
      var s = $('s-list'); s.textContent = '';
      qs.forEach(function (q) { s.appendChild(el('option', { value: q.id, text: q.title + (q.open ? '' : '（已结束）') })); });
      if (select) s.value = select;
      if (qs.length) surveyResults();
    }, rv.error);
  }
  function surveyResults() {
    var qid = $('s-list').value; if (!qid) return;
    $('s-pdf').href = base + '/questionnaires/' + qid + '/results.pdf';
    rv.api('GET', base + '/questionnaires/' + qid + '/results').then(function (r) {
      var out = $('s-results'); out.textContent = '';
      out.appendChild(el('p', { id: 's-rate', text: '回收 ' + r.answered + ' / ' + r.households + ' 户（' + r.response_rate + '%）' }));
      var questions = r.questionnaire.questions;
      r.result.questions.forEach(function (q, i) {
        out.appendChild(el('h3', { text: '第' + (i + 1) + '题 ' + (questions[i].text || q.id) + '（作答 ' + q.respondents + ' 户）' }));
        if (q.kind === 'choose_k') out.appendChild(rv.bars(q.items.map(function (x) { return x.item; }), [{ values: q.items.map(function (x) { return parseFloat(x.share); }) }], function (v) { return v.toFixed(2) + '%'; }));
        if (q.kind === 'rank') out.appendChild(rv.bars(q.items.map(function (x) { return x.item; }), [{ values: q.items.map(function (x) { return x.borda; }) }], function (v) { return v + ' 分'; }));
        if (q.kind === 'rating') {
          out.appendChild(el('p', { text: '平均 ' + q.mean + ' 分，满意率 ' + q.satisfied_share + '%' }));
          out.appendChild(rv.bars(['5', '4', '3', '2', '1'].map(function (s) { return s + ' 分'; }), [{ values: ['5', '4', '3', '2', '1'].map(function (s) { return q.distribution[s]; }) }], function (v) { return v + ' 户'; }));
        }
        if (q.kind === 'single') out.appendChild(rv.bars(q.options.map(function (x) { return x.option; }), [{ values: q.options.map(function (x) { return parseFloat(x.share); }) }], function (v) { return v.toFixed(2) + '%'; }));
        if (q.kind === 'text') out.appendChild(el('ul', {}, r.texts.filter(function (t) { return t.question === q.id; }).map(function (t) { return el('li', { text: t.room + '：' + t.text }); })));
      });
      if (r.group) {
        out.appendChild(el('h3', { text: '全小区 ' + r.group.projects + ' 个项目合计：回收 ' + r.group.answered + ' / ' + r.group.households + ' 户（' + r.group.response_rate + '%）' }));
        r.group.result.questions.forEach(function (q, i) {
          if (q.kind === 'choose_k') out.appendChild(rv.bars(q.items.map(function (x) { return x.item; }), [{ values: q.items.map(function (x) { return parseFloat(x.share); }) }], function (v) { return v.toFixed(2) + '%'; }));
          if (q.kind === 'rating') out.appendChild(el('p', { text: '第' + (i + 1) + '题：平均 ' + q.mean + ' 分，满意率 ' + q.satisfied_share + '%' }));
        });
      }
      if (r.by_floor.length) {
        out.appendChild(el('h3', { text: '分楼层（第1题前三项）' }));
        out.appendChild(rv.table(['楼层', '作答', '前三项'], r.by_floor.map(function (f) {
          var q1 = f.result.questions[0];
          var top = q1 && q1.items && q1.kind === 'choose_k' ? q1.items.slice(0, 3).map(function (x) { return x.item + ' ' + x.share + '%'; }).join('，') : '';
          return [f.floor, f.result.households, top];
        })));
      }
    }, rv.error);
  }
  $('s-list').addEventListener('change', surveyResults);
  $('s-refresh').addEventListener('click', surveyResults);
  $('s-close').addEventListener('click', function () {
    rv.api('POST', base + '/questionnaires/' + $('s-list').value + '/close').then(function () { rv.flash('问卷已结束'); loadSurveys($('s-list').value); }, rv.error);
  });

  rv.api('GET', '/api/v1/projects').then(function (ps) {
    var others = ps.filter(function (p) { return String(p.id) !== String(id); });
    if (!others.length) return;
    $('s-projects').appendChild(el('fieldset', { class: 'preset' }, [el('legend', { text: '同时发给本小区的其他项目（结果合并统计）' })].concat(others.map(function (p) {
      return el('label', { class: 'inline' }, [el('input', { type: 'checkbox', value: p.id, class: 's-project' }), ' ' + p.name]);
    }))));
  }, rv.error);

  // ---- start
  var soon = new Date(Date.now() + 14 * 86400000);
  // a round time residents read without doubt: 17:00 Beijing, two weeks on
  var local = new Date(soon.getTime() + 8 * 3600000).toISOString().slice(0, 10) + 'T17:00';
  $('p-deadline').value = local; $('s-deadline').value = local;
  // ---- money: payments against each household's plan, the ledger, funds
  var statusNames = { settled: '已缴清', overdue: '逾期', current: '按期' };
  function today() { return new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10); }
  $('mo-date').value = today(); $('mo-asof').value = today(); $('mo-fdate').value = today();
  function moneyLinks() {
    $('mo-arrears').href = base + '/arrears.xlsx?as_of=' + $('mo-asof').value;
    $('mo-statement').href = base + '/statement.pdf';
  }
  function loadLedger() {
    moneyLinks();
    return rv.api('GET', base + '/ledger?as_of=' + $('mo-asof').value).then(function (l) {
      var t = l.totals;
      $('mo-totals').textContent = '应缴合计 ' + rv.money(t.total_due) + ' 元，已缴 ' + rv.money(t.paid) + ' 元，逾期 ' + rv.money(t.overdue) +
        ' 元（' + t.households_overdue + ' 户），收缴率 ' + t.collection_rate + '%';
      $('mo-ledger').textContent = '';
      var table = rv.table(['房号', '业主', '应缴', '已缴', '逾期', '逾期起', '下一笔', '状态'], l.households.map(function (h) {
        return [h.room, h.owner, rv.money(h.total_due), rv.money(h.paid), rv.money(h.overdue), h.overdue_since || '',
          h.next_due ? h.next_due.date + ' ' + rv.money(h.next_due.remaining) : '', statusNames[h.status]];
      }), 'ledger');
      table.querySelectorAll('tbody tr').forEach(function (tr, i) { tr.className = 'st-' + l.households[i].status; });
      $('mo-ledger').appendChild(table);
      loadPayments();
    }, function (e) { $('mo-totals').textContent = e.status === 404 ? '方案发布后才有缴款台账。' : e.message; });
  }
  var paymentKinds = { payment: '缴款', refund: '退款', reversal: '冲正' };
  function loadPayments() {
    var rooms = {};
    project.households.forEach(function (h) { rooms[h.id] = h.room; });
    return rv.api('GET', base + '/payments').then(function (ps) {
      $('mo-payments').textContent = '';
      if (!ps.length) { $('mo-payments').appendChild(el('p', { class: 'muted', text: '还没有缴款记录。' })); return; }
      $('mo-payments').appendChild(rv.table(['编号', '房号', '类别', '金额（元）', '方式', '日期', '凭证', '照片'], ps.slice().reverse().map(function (p) {
        return [p.receipt_no, rooms[p.household] || '', paymentKinds[p.kind] || p.kind, rv.money(p.amount), p.method || '', p.date,
          el('a', { href: base + '/payments/' + p.id + '/receipt.pdf', target: '_blank', text: '打印' }), p.has_photo ? photoLink('payment', p.id) : ''];
      }), 'payments'));
    }, rv.error);
  }
  function loadFunds() {
    return rv.api('GET', base + '/funds').then(function (fs) {
      $('mo-funds').textContent = '';
      if (!fs.length) return;
      $('mo-funds').appendChild(rv.table(['日期', '类型', '来源 / 收款单位', '用途', '金额（元）', '照片'], fs.map(function (f) {
        return [f.date, f.kind === 'income' ? '收入' : (f.kind === 'expense' ? '支出' : '冲正'), f.source || f.payee || '', f.what, rv.money(f.amount),
          f.has_photo ? photoLink('fund', f.id) : ''];
      }), 'funds'));
    }, rv.error);
  }
  $('mo-asof').addEventListener('change', loadLedger);
  $('mo-pay').addEventListener('submit', function (e) {
    e.preventDefault();
    var msg = $('mo-msg');
    var body = null;
    readPhoto($('mo-photo')).then(function (photo) {
      body = { amount: val('mo-amount'), method: $('mo-method').value, date: $('mo-date').value, photo: photo, idempotency_key: rv.key() };
      return rv.api('POST', base + '/households/' + $('mo-household').value + '/payments', body);
    }).catch(function (err) {
      // more than the household still owes: taken only when the worker says it is meant
      if (!body || err.field !== 'amount' || String(err.message).indexOf('overpay') < 0 || !window.confirm(err.message + '\n\n确实是多缴吗？')) throw err;
      body.overpay = true;
      return rv.api('POST', base + '/households/' + $('mo-household').value + '/payments', body);
    }).then(function (p) {
      msg.className = 'ok'; msg.textContent = '已登记，收据号 ' + p.receipt_no + '，核验码 ' + p.code + '。';
      msg.appendChild(el('a', { href: base + '/payments/' + p.id + '/receipt.pdf', target: '_blank', text: ' 打印收据' }));
      $('mo-amount').value = ''; $('mo-photo').value = ''; loadLedger();
    }, function (err) { msg.className = 'bad'; msg.textContent = err.message; });
  });
  $('mo-fund').addEventListener('submit', function (e) {
    e.preventDefault();
    var kind = $('mo-kind').value, who = val('mo-who'), body = { kind: kind, what: val('mo-what'), amount: val('mo-famount'),
      date: $('mo-fdate').value, idempotency_key: rv.key() };
    if (kind === 'income') body.source = who; else body.payee = who;
    readPhoto($('mo-fphoto')).then(function (photo) { body.photo = photo; return rv.api('POST', base + '/funds', body); }).then(function () {
      $('mo-fmsg').className = 'ok'; $('mo-fmsg').textContent = '已登记。'; $('mo-fphoto').value = ''; loadFunds();
    }, function (err) { $('mo-fmsg').className = 'bad'; $('mo-fmsg').textContent = err.message; });
  });

  // ---- works, supervision and feedback
  function wkMsg(text, bad) { $('wk-msg').className = bad ? 'bad' : 'ok'; $('wk-msg').textContent = text; }
  function stageRow(s) {
    return el('tr', {}, ['name', 'planned', 'actual', 'note'].map(function (k) {
      var attrs = { 'data-k': k, value: s[k] || '', 'aria-label': k };
      if (k === 'planned' || k === 'actual') attrs.type = 'date';
      return el('td', {}, [el('input', attrs)]);
    }));
  }
  function groupRow(m) {
    var role = el('select', { 'data-k': 'role', 'aria-label': '身份' }, ['居民代表', '社区', '施工方', '监理'].map(function (r) { return el('option', { text: r }); }));
    if (m.role) role.value = m.role;
    var del = el('button', { type: 'button', class: 'linkish', text: '删除' });
    var tr = el('tr', {}, [el('td', {}, [el('input', { 'data-k': 'name', value: m.name || '', 'aria-label': '姓名' })]), el('td', {}, [role]),
      el('td', {}, [el('input', { 'data-k': 'phone', value: m.phone || '', 'aria-label': '电话' })]), el('td', {}, [del])]);
    del.addEventListener('click', function () { if (confirm('删除这位成员？')) tr.remove(); });
    return tr;
  }
  function rows(sel) {
    return Array.prototype.map.call(document.querySelectorAll(sel + ' tbody tr'), function (tr) {
      var o = {}; tr.querySelectorAll('[data-k]').forEach(function (i) { o[i.getAttribute('data-k')] = i.value.trim(); }); return o;
    });
  }
  function loadWorks() {
    $('wk-pdf').href = base + '/progress.pdf';
    rv.api('GET', base + '/works').then(function (w) {
      var sb = document.querySelector('#wk-stages tbody'); sb.textContent = ''; w.stages.forEach(function (s) { sb.appendChild(stageRow(s)); });
      var gb = document.querySelector('#wk-group tbody'); gb.textContent = ''; w.supervisors.forEach(function (m) { gb.appendChild(groupRow(m)); });
      $('wk-goal').value = w.satisfaction_goal;
      // satisfaction is asked about works that happened, not before
      var started = w.stages.some(function (s) { return !!s.actual; });
      $('s-rating').disabled = !started; if (!started) $('s-rating').checked = false;
      $('s-rating-note').textContent = started ? '' : '（施工开始后才能问满意度）';
    }, rv.error);
    rv.api('GET', base + '/progress').then(function (p) {
      var f = p.feedback;
      $('wk-figures').textContent = '检查 ' + p.inspections.count + ' 次（最近 ' + (p.inspections.last || '无') + '），未整改问题 ' + p.inspections.open_issues +
        ' 个；意见 ' + f.received + ' 条，3天内答复 ' + f.answered_within_3_days + ' 条，已办结 ' + f.closed + ' 条，回访满意率 ' + f.satisfaction + '（目标 ' + f.satisfaction_goal + '%）' +
        (f.survey && f.survey.answers ? '；问卷评分 ' + f.survey.answers + ' 份，4 分及以上 ' + f.survey.satisfaction + '（单独统计）' : '');
      $('wk-warning').hidden = !p.inspections.overdue;
      $('wk-warning').textContent = '已超过7天没有现场检查，请安排监督小组检查。';
    }, rv.error);
    rv.api('GET', base + '/inspections').then(function (ins) {
      var box = $('wk-inspections'); box.textContent = '';
      ins.forEach(function (i) {
        var visit = el('p', { text: i.date + ' ' + i.inspectors.join('、') + '：' + i.findings + ' ' });
        for (var n = 1; n <= i.photos; n++) visit.appendChild(photoLink('inspection', i.id, n, '照片' + n));
        box.appendChild(visit);
        i.issues.forEach(function (is) {
          var line = el('p', { class: 'issue', text: '问题：' + is.text + (is.fixed_date ? '（已于 ' + is.fixed_date + ' 整改：' + is.fixed_note + '）' : '') });
          if (is.has_fix_photo) line.appendChild(photoLink('fix', is.id, 1, '整改照片'));
          if (!is.fixed_date) {
            var fix = el('button', { type: 'button', class: 'secondary', text: '标记已整改' });
            fix.addEventListener('click', function () {
              var note = prompt('整改情况：'); if (note === null) return;
              rv.api('POST', base + '/issues/' + is.id + '/fixed', { date: today(), note: note }).then(function () { wkMsg('已标记整改'); loadWorks(); }, function (e) { wkMsg(e.message, true); });
            });
            line.appendChild(fix);
          }
          box.appendChild(line);
        });
      });
    }, rv.error);
    rv.api('GET', base + '/feedback').then(function (fs) {
      var box = $('wk-feedback'); box.textContent = '';
      if (!fs.length) box.appendChild(el('p', { class: 'muted', text: '还没有居民意见。' }));
      fs.forEach(function (f) {
        var said = el('p', { text: '【' + f.category + '】' + (f.anonymous ? '匿名' : f.room) + '：' + f.text + ' ' });
        if (f.has_photo) said.appendChild(photoLink('feedback', f.id));
        var item = el('div', { class: 'fb-item', 'data-id': f.id }, [said]);
        if (f.answer) item.appendChild(el('p', { class: 'answer', text: '已答复：' + f.answer }));
        if (f.closed_at) item.appendChild(el('p', { class: 'muted', text: '已办结' + (f.rating ? '，评价：' + f.rating : '') }));
        else {
          var text = el('input', { class: 'fb-answer', 'aria-label': '答复', placeholder: '写下答复' });
          var send = el('button', { type: 'button', class: 'fb-answer-send', text: '答复' });
          var close = el('button', { type: 'button', class: 'secondary fb-close', text: '办结' });
          send.addEventListener('click', function () {
            rv.api('POST', base + '/feedback/' + f.id + '/answer', { text: text.value }).then(function () { wkMsg('已答复'); loadWorks(); }, function (e) { wkMsg(e.message, true); });
          });
          close.addEventListener('click', function () {
            rv.api('POST', base + '/feedback/' + f.id + '/close').then(function () { wkMsg('已办结'); loadWorks(); }, function (e) { wkMsg(e.message, true); });
          });
          item.appendChild(el('div', { class: 'row' }, [text, send, close]));
        }
        box.appendChild(item);
      });
    }, rv.error);
  }
  $('wk-date').value = today();
  $('wk-stages-save').addEventListener('click', function () {
    rv.api('PUT', base + '/stages', rows('#wk-stages')).then(function () { wkMsg('阶段已保存'); loadWorks(); }, function (e) { wkMsg(e.message, true); });
  });
  $('wk-group-add').addEventListener('click', function () { document.querySelector('#wk-group tbody').appendChild(groupRow({})); });
  $('wk-group-save').addEventListener('click', function () {
    rv.api('PUT', base + '/supervisors', rows('#wk-group')).then(function () { wkMsg('监督小组已保存'); }, function (e) { wkMsg(e.message, true); });
  });
  $('wk-goal-save').addEventListener('click', function () {
    rv.api('PUT', base + '/satisfaction-goal', { goal: val('wk-goal') }).then(function () { wkMsg('目标已保存'); loadWorks(); }, function (e) { wkMsg(e.message, true); });
  });
  $('wk-inspect').addEventListener('submit', function (e) {
    e.preventDefault();
    rv.api('POST', base + '/inspections', { date: $('wk-date').value, inspectors: val('wk-inspectors').split(/[,，、]/).map(function (s) { return s.trim(); }).filter(Boolean),
      findings: val('wk-findings'), issues: $('wk-issues').value.split('\n').map(function (s) { return s.trim(); }).filter(Boolean) })
      .then(function () { wkMsg('已记录检查'); $('wk-issues').value = ''; loadWorks(); }, function (err) { wkMsg(err.message, true); });
  });

  // a ballot's QR code opens …?paper={household}#paper: that household's
  // paper form, ready to fill in
  function openPaperForm() {
    var hid = new URLSearchParams(location.search).get('paper');
    if (!hid || !$('d-household').querySelector('option[value="' + CSS.escape(hid) + '"]')) return;
    $('d-household').value = hid; resetPaper();
    $('paper').scrollIntoView({ block: 'start' }); $('d-vote').focus();
    rv.flash('请录入 ' + $('d-household').selectedOptions[0].textContent + ' 的纸质表决票');
  }
  loadPresets().then(loadProject).then(function (p) {
    updatePrintLinks();
    openPaperForm();
    loadWorks();
    if (p.ballot) { dashboard(); loadLedger(); loadFunds(); } else { $('d-bars').textContent = '尚未发布方案。'; $('mo-totals').textContent = '方案发布后才有缴款台账。'; }
  }, rv.error);
  loadScenarios();
  loadSurveys();
})();
