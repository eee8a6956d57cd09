// The vote's lifecycle on the project page (DESIGN §16): close early,
// the objections with their answers (维持 or 更正), the final result and
// the two notices. The server words the state and every refusal; this
// script only shows them and sends what the worker chose.
(function () {
  var box = document.getElementById('result');
  if (!box) return;
  var base = '/api/v1/projects/' + document.getElementById('app').getAttribute('data-project');
  var el = rv.el, $ = function (x) { return document.getElementById(x); };
  var votes = [['agree', '同意'], ['disagree', '不同意'], ['abstain', '弃权'], ['', '不计入（作废）']];
  function voteName(v) { for (var i = 0; i < votes.length; i++) if (votes[i][0] === v) return votes[i][1]; return v; }
  function time(s) { return s ? new Date(s).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : ''; }
  function select(options) {
    return el('select', {}, options.map(function (o) { return el('option', { value: o[0], text: o[1] }); }));
  }

  function answerForm(o, decisions) {
    var outcome = select([['维持', '维持'], ['更正', '更正']]);
    var reason = el('input', { placeholder: '答复理由' }); // its length is checked by the server
    var decision = select(decisions.map(function (d) { return [String(d.id), d.room + '：' + voteName(d.decision) + '（' + (d.method === 'paper' ? '纸质' : '手机') + '）']; }));
    var vote = select(votes);
    var fix = el('span', { hidden: 'hidden' }, ['更正', decision, '为', vote]);
    outcome.addEventListener('change', function () { fix.hidden = outcome.value !== '更正'; });
    var go = el('button', { type: 'button', text: '答复' });
    go.addEventListener('click', function () {
      var body = { outcome: outcome.value, reason: reason.value };
      if (outcome.value === '更正') body.correction = { decision_id: parseInt(decision.value, 10), vote: vote.value };
      rv.api('POST', base + '/objections/' + o.id + '/answer', body).then(function () { rv.flash('已答复'); load(); }, rv.error);
    });
    return el('div', { class: 'row' }, [outcome, reason, fix, go]);
  }

  function load() {
    return rv.api('GET', base).then(function (project) {
      if (!project.ballot) { $('r-state').textContent = '尚未发布方案。'; return null; }
      return Promise.all([rv.api('GET', base + '/result'), rv.api('GET', base + '/decisions'), project]);
    }).then(function (all) {
      if (!all) return;
      var r = all[0], decisions = all[1], project = all[2];
      $('r-state').textContent = r.state_text;
      $('r-state').className = r.state === 'final' && r.final && r.final.passed ? 'ok' : '';
      $('r-close').hidden = r.state !== 'open';
      $('r-object').hidden = r.state === 'open' || r.state === 'final';
      $('r-finalize').hidden = r.state === 'open' || r.state === 'final';
      $('r-result-pdf').hidden = r.state === 'open';
      $('r-final-pdf').hidden = r.state !== 'final';
      var latest = {};
      decisions.forEach(function (d) { latest[d.room] = d; });
      var counted = Object.keys(latest).map(function (k) { return latest[k]; });
      var hh = $('r-household'); hh.textContent = '';
      project.households.forEach(function (h) { hh.appendChild(el('option', { value: String(h.id), text: h.room })); });
      var list = $('r-objections'); list.textContent = '';
      if (!r.objections.length) { list.appendChild(el('p', { class: 'muted', text: r.state === 'open' ? '' : '尚未收到异议。' })); return; }
      list.appendChild(rv.table(['编号', '房号', '提出人', '方式', '时间', '理由', '答复'], r.objections.map(function (o) {
        var answered = o.outcome ? el('span', { text: o.outcome + '：' + o.answer + (o.corrects_decision ? '（更正为' + voteName(o.corrected_vote) + '）' : '') })
          : (r.state === 'final' ? '—' : answerForm(o, counted));
        return [o.id, o.room, o.name, o.channel === 'link' ? '本户链接' : '当面', time(o.created_at), o.reason, answered];
      })));
    }, rv.error);
  }

  $('r-close-go').addEventListener('click', function () {
    if (!window.confirm('提前结束表决？结束后不能再表决或更改意见，初步统计结果进入公示。')) return;
    rv.api('POST', base + '/close', { objection_days: parseInt($('r-days').value, 10) || 0 }).then(function () { rv.flash('表决已结束，请打印表决结果公示并张贴'); load(); }, rv.error);
  });
  $('r-object-go').addEventListener('click', function () {
    rv.api('POST', base + '/objections', { household_id: parseInt($('r-household').value, 10), name: $('r-name').value, reason: $('r-reason').value })
      .then(function () { rv.flash('已登记异议'); $('r-name').value = ''; $('r-reason').value = ''; load(); }, rv.error);
  });
  $('r-finalize').addEventListener('click', function () {
    if (!window.confirm('确认最终结果？确认后不能再提出或答复异议。')) return;
    rv.api('POST', base + '/finalize', {}).then(function () { rv.flash('最终结果已确认，请打印表决结果公告'); load(); }, rv.error);
  });
  $('r-result-pdf').href = base + '/result.pdf';
  $('r-final-pdf').href = base + '/final.pdf';
  document.addEventListener('rv:ballot', load); // published from the page
  load();
})();
