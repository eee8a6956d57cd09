// 表决: publishing a scenario and the consent dashboard (who decided, who
// has not, the reminder for the WeChat group). Where the vote stands is
// worded by the server (state_text); this module only shows it.
import { api, el, $, val, base, state, on, emit, say, fail, ask, table, time, voteName, photoLink, options, loadProject, printOnly } from './api.js';
import { slip } from './paper.js';

let watching = false;

function deadlineValue(x) { return val(x).replace('T', ' '); }

function publish() {
  const btn = $('p-go');
  const name = $('p-scenario').selectedOptions[0] ? $('p-scenario').selectedOptions[0].text : '';
  if (!ask('发布“' + name + '”？\n发布后住户名单和方案都将冻结，不能再修改（电话除外）；要改只能发布新方案（旧链接随之失效）。')) return;
  let rule = $('p-rule').value;
  if (rule === 'custom') rule = { participation_area: val('p-pa'), participation_owners: val('p-po'), approval_area: val('p-aa'), approval_owners: val('p-ao'), approval_strict: $('p-strict').checked };
  api('POST', base + '/scenarios/' + $('p-scenario').value + '/publish', { rule: rule, deadline: deadlineValue('p-deadline'), objection_days: parseInt(val('p-objection-days'), 10) || 0 }).then((r) => {
    const out = $('p-links'); out.textContent = '';
    const pdf = el('a', { class: 'button', href: base + '/slips.pdf', target: '_blank', text: '打印领取条（PDF）' });
    const print = el('button', { type: 'button', class: 'secondary', text: '打印下面的领取条' });
    print.addEventListener('click', () => printOnly($('p-links')));
    out.appendChild(el('div', { class: 'row' }, [pdf, print]));
    out.appendChild(el('div', { class: 'slips' }, r.links.map((l) => slip(l, '请用手机扫码（或打开链接），查看本户出资金额并表决、签名', r.ballot.deadline))));
    say(btn, '已发布，方案指纹 ' + r.ballot.sha256 + '。请打印领取条发给各户；截止前随时可以在“打印/纸件”再打印。');
    loadProject().then(() => { emit('ballot'); dashboard(); });
    emit('scenarios-changed');
  }, fail(btn));
}

// thresholds are the rule's percentages as the server spells them out.
function thresholds(t) {
  const th = t.thresholds;
  return [th.participation_area, th.participation_owners, th.approval_area, th.approval_owners].map((x) => parseFloat(x) / 100);
}
function progress(label, num, den, need, met, unit) {
  const pct = den > 0 ? num / den : 0;
  return el('div', { class: 'progress' }, [
    el('div', { class: 'plabel', text: label + '：' + num + unit + ' / ' + den + unit + '（' + (pct * 100).toFixed(1) + '%，门槛 ' + (need * 100).toFixed(1) + '%）' + (met ? ' ✔' : '') }),
    el('div', { class: 'ptrack' }, [el('div', { class: 'pfill' + (met ? ' met' : ''), style: 'width:' + Math.min(100, pct * 100).toFixed(1) + '%' }),
      el('div', { class: 'pneed', style: 'left:' + (need * 100).toFixed(1) + '%' })])]);
}

export function dashboard() {
  if (!state.project || !state.project.ballot) { $('d-bars').textContent = '尚未发布方案。'; return Promise.resolve(); }
  watching = true;
  return api('GET', base + '/tally').then((t) => {
    state.tally = t; emit('tally', t);
    const th = thresholds(t), bars = $('d-bars'); bars.textContent = '';
    const pa = parseFloat(t.participation.area), ta = parseFloat(t.total.area), aa = parseFloat(t.approval.area);
    bars.appendChild(progress('参与表决的专有面积', pa, ta, th[0], t.participation.area_met, '㎡'));
    bars.appendChild(progress('参与表决的人数', t.participation.owners, t.total.owners, th[1], t.participation.owners_met, '人'));
    bars.appendChild(progress('同意的面积（占参与）', aa, pa, th[2], t.approval.area_met, '㎡'));
    bars.appendChild(progress('同意的人数（占参与）', t.approval.owners, t.participation.owners, th[3], t.approval.owners_met, '人'));
    // the server words where the vote stands: while open a count is a snapshot
    bars.appendChild(el('p', { class: t.state === 'final' && t.passed ? 'ok' : '', id: 'd-summary', text: t.state_text }));
    if (t.must_consent_missing.length) bars.appendChild(el('p', { class: 'bad', text: '须本人同意而尚未同意：' + t.must_consent_missing.join('、') }));
    $('d-updated').textContent = '更新于 ' + time(new Date().toISOString());
    return api('GET', base + '/decisions');
  }).then((ds) => {
    const latest = {};
    ds.forEach((d) => { latest[d.room] = d; });
    const only = $('d-only-undecided').checked;
    $('d-table').textContent = '';
    $('d-table').appendChild(table(['房号', '业主', '电话', '意见', '方式', '签名人', '时间', '核验码', '纸质单'], state.project.households.filter((h) => !only || !latest[h.room]).map((h) => {
      const d = latest[h.room], who = [h.room, h.owner || '', h.phone_masked];
      return who.concat(d ? [voteName(d.decision) + (d.reason ? '（理由：' + d.reason + '）' : ''), d.method === 'paper' ? '纸质' : '手机', d.signer, time(d.signed_at), d.code,
        d.has_photo ? photoLink('decision', d.id) : ''] : ['未表决', '', '', '', '', '']);
    }), 'decisions'));
    return api('GET', base + '/undecided');
  }).then((u) => {
    $('d-follow-count').textContent = '共 ' + u.households.length + ' 户，截止 ' + time(u.deadline);
    $('d-undecided').textContent = '';
    $('d-undecided').appendChild(table(['房号', '业主', '电话', '签署链接', '打开次数', '最近打开'], u.households.map((h) =>
      [h.room, h.owner, h.phone_masked, h.linked ? '已发放' : '无有效链接，请补发', String(h.views), h.last_view ? time(h.last_view) : '从未打开']), 'left undecided'));
    $('d-reminder').value = u.reminder;
  }, fail($('d-only-undecided')));
}

export function init() {
  $('p-go').addEventListener('click', publish);
  $('p-rule').addEventListener('change', function () { $('p-custom').hidden = this.value !== 'custom'; });
  $('p-notice').href = base + '/notice.pdf';
  $('d-only-undecided').addEventListener('change', dashboard);
  $('d-xlsx').href = base + '/undecided.xlsx';
  $('d-print').addEventListener('click', () => printOnly($('d-follow')));
  $('d-copy').addEventListener('click', function () {
    const btn = this, t = $('d-reminder'); t.select();
    (navigator.clipboard ? navigator.clipboard.writeText(t.value) : Promise.reject(new Error('')))
      .then(() => say(btn, '已复制，可以粘贴到微信群'), () => { document.execCommand('copy'); say(btn, '已复制，可以粘贴到微信群'); });
  });
  // a round time residents read without doubt: 17:00 Beijing, two weeks on
  const soon = new Date(Date.now() + 14 * 86400000);
  $('p-deadline').value = new Date(soon.getTime() + 8 * 3600000).toISOString().slice(0, 10) + 'T17:00';
  on('presets', (p) => {
    const sel = $('p-rule'); sel.textContent = '';
    p.rules.forEach((r) => sel.appendChild(el('option', { value: r.key, text: '民法典278条 ' + r.name })));
    sel.appendChild(el('option', { value: 'custom', text: '自定义' }));
    const f = p.rules[0].fractions;
    $('p-pa').value = f.participation_area; $('p-po').value = f.participation_owners;
    $('p-aa').value = f.approval_area; $('p-ao').value = f.approval_owners;
  });
  on('scenarios', (ss) => options($('p-scenario'), ss, (x) => x.name + (x.status === 'published' ? '（已发布）' : '')));
  let first = true;
  on('project', () => { if (first) { first = false; dashboard(); } });
  document.addEventListener('rv:section', (e) => { if (e.detail === 'vote' && state.project) dashboard(); });
  setInterval(() => { if (watching && !$('vote').hidden) dashboard(); }, 10000);
}
