// The vote's lifecycle (DESIGN §16), in the 表决 section: close early, the
// objections with their answers (维持 or 更正), the final result and the
// two notices. The server words the state and every refusal; this module
// only shows them and sends what the worker chose.
import { api, el, $, base, state, on, emit, say, fail, ask, table, time, options, photoLink } from './api.js';

const votes = [['agree', '同意'], ['disagree', '不同意'], ['abstain', '弃权'], ['', '不计入（作废）']];
function voteName(v) { for (const x of votes) if (x[0] === v) return x[1]; return v; }
function select(list) { return el('select', {}, list.map((o) => el('option', { value: o[0], text: o[1] }))); }

function answerForm(o, decisions) {
  const outcome = select([['维持', '维持'], ['更正', '更正']]);
  const reason = el('input', { placeholder: '答复理由', 'aria-label': '答复理由' }); // its length is checked by the server
  const decision = select(decisions.map((d) => [String(d.id), d.room + '：' + voteName(d.decision) + '（' + (d.method === 'paper' ? '纸质' : '手机') + '）']));
  const vote = select(votes);
  const fix = el('span', { hidden: '' }, ['更正', decision, '为', vote]);
  outcome.addEventListener('change', () => { fix.hidden = outcome.value !== '更正'; });
  const go = el('button', { type: 'button', text: '答复' });
  go.addEventListener('click', () => {
    const body = { outcome: outcome.value, reason: reason.value };
    if (outcome.value === '更正') body.correction = { decision_id: parseInt(decision.value, 10), vote: vote.value };
    if (!ask('答复这条异议（' + outcome.value + '）？答复后不能修改。')) return;
    api('POST', base + '/objections/' + o.id + '/answer', body).then(() => { load().then(() => say($('r-objections'), '已答复第 ' + o.id + ' 条异议')); emit('answered'); }, fail(go));
  });
  return el('div', { class: 'row' }, [outcome, reason, fix, go]);
}

function load() {
  const p = state.project;
  if (!p || !p.ballot) { $('r-state').textContent = '尚未发布方案。'; return Promise.resolve(); }
  return Promise.all([api('GET', base + '/result'), api('GET', base + '/decisions')]).then(([r, decisions]) => {
    $('r-state').textContent = r.state_text;
    $('r-state').className = r.state === 'final' && r.final && r.final.passed ? 'ok' : '';
    $('r-close').hidden = r.state !== 'open';
    $('r-object').hidden = r.state === 'open' || r.state === 'final';
    $('r-finalize').hidden = r.state === 'open' || r.state === 'final';
    $('r-result-pdf').hidden = r.state === 'open';
    $('r-final-pdf').hidden = r.state !== 'final';
    const latest = {};
    decisions.forEach((d) => { latest[d.room] = d; });
    const counted = Object.keys(latest).map((k) => latest[k]);
    options($('r-household'), p.households, (h) => h.room);
    const list = $('r-objections'); list.textContent = '';
    if (!r.objections.length) { list.appendChild(el('p', { class: 'muted', text: r.state === 'open' ? '' : '尚未收到异议。' })); return; }
    list.appendChild(table(['编号', '房号', '提出人', '方式', '时间', '理由', '答复'], r.objections.map((o) => {
      const answered = o.outcome ? el('span', { text: o.outcome + '：' + o.answer + (o.corrects_decision ? '（更正为' + voteName(o.corrected_vote) + '）' : '') })
        : (r.state === 'final' ? '—' : answerForm(o, counted));
      // a photo sent with the objection opens beside its reason
      const why = o.photo_type ? el('span', {}, [document.createTextNode(o.reason + ' '), photoLink('objection', o.id, 1, '附照片')]) : o.reason;
      return [o.id, o.room, o.name, o.channel === 'link' ? '本户链接' : '当面', time(o.created_at), why, answered];
    })));
  }, fail($('r-state')));
}

export function init() {
  $('r-close-go').addEventListener('click', function () {
    const btn = this;
    if (!ask('提前结束表决？结束后不能再表决或更改意见，初步统计结果进入公示。')) return;
    api('POST', base + '/close', { objection_days: parseInt($('r-days').value, 10) || 0 }).then(() => {
      load().then(() => say($('r-state'), '表决已结束，请打印表决结果公示并张贴'));
      emit('closed');
    }, fail(btn));
  });
  $('r-object-go').addEventListener('click', function () {
    const btn = this;
    api('POST', base + '/objections', { household_id: parseInt($('r-household').value, 10), name: $('r-name').value, reason: $('r-reason').value })
      .then(() => { $('r-name').value = ''; $('r-reason').value = ''; load().then(() => say(btn, '已登记异议')); }, fail(btn));
  });
  $('r-finalize').addEventListener('click', function () {
    const btn = this;
    if (!ask('确认最终结果？确认后不能再提出或答复异议。')) return;
    api('POST', base + '/finalize', {}).then(() => { load().then(() => say($('r-state'), '最终结果已确认，请打印表决结果公告')); }, fail(btn));
  });
  $('r-result-pdf').href = base + '/result.pdf';
  $('r-final-pdf').href = base + '/final.pdf';
  on('ballot', load);
  let first = true;
  on('project', () => { if (first) { first = false; load(); } });
}
