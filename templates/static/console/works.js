// 施工: the works' stages, the supervision group, the site inspections with
// the issues found and fixed, and the figures the progress notice prints.
import { api, el, $, val, base, on, emit, say, fail, ask, setDirty, photoLink, today } from './api.js';

function stageRow(s) {
  return el('tr', {}, ['name', 'planned', 'actual', 'note'].map((k) => {
    const attrs = { 'data-k': k, value: s[k] || '', 'aria-label': { name: '阶段', planned: '计划日期', actual: '实际日期', note: '备注' }[k] };
    if (k === 'planned' || k === 'actual') attrs.type = 'date';
    return el('td', {}, [el('input', attrs)]);
  }));
}
function groupRow(m) {
  const role = el('select', { 'data-k': 'role', 'aria-label': '身份' }, ['居民代表', '社区', '施工方', '监理'].map((r) => el('option', { text: r })));
  if (m.role) role.value = m.role;
  const del = el('button', { type: 'button', class: 'linkish', text: '删除' });
  const tr = el('tr', {}, [el('td', {}, [el('input', { 'data-k': 'name', value: m.name || '', 'aria-label': '姓名' })]), el('td', {}, [role]),
    el('td', {}, [el('input', { 'data-k': 'phone', value: m.phone || '', 'aria-label': '电话' })]), el('td', {}, [del])]);
  del.addEventListener('click', () => { if (ask('删除这位成员？点“保存小组”后才真正删除。')) { tr.remove(); setDirty('works', '监督小组'); } });
  return tr;
}
function rows(sel) {
  return Array.prototype.map.call(document.querySelectorAll(sel + ' tbody tr'), (tr) => {
    const o = {}; tr.querySelectorAll('[data-k]').forEach((i) => { o[i.getAttribute('data-k')] = i.value.trim(); }); return o;
  });
}

export function load() {
  $('wk-pdf').href = base + '/progress.pdf';
  api('GET', base + '/works').then((w) => {
    const sb = document.querySelector('#wk-stages tbody'); sb.textContent = ''; w.stages.forEach((s) => sb.appendChild(stageRow(s)));
    const gb = document.querySelector('#wk-group tbody'); gb.textContent = ''; w.supervisors.forEach((m) => gb.appendChild(groupRow(m)));
    $('wk-goal').value = w.satisfaction_goal;
    setDirty('works', null);
    emit('works', w);
  }, fail($('wk-stages-save')));
  api('GET', base + '/progress').then((p) => {
    const f = p.feedback;
    $('wk-figures').textContent = '检查 ' + p.inspections.count + ' 次（最近 ' + (p.inspections.last || '无') + '），未整改问题 ' + p.inspections.open_issues +
      ' 个；意见 ' + f.received + ' 条，3天内答复 ' + f.answered_within_3_days + ' 条，已办结 ' + f.closed + ' 条，回访满意率 ' + f.satisfaction + '（目标 ' + f.satisfaction_goal + '%）' +
      (f.survey && f.survey.answers ? '；问卷评分 ' + f.survey.answers + ' 份，4 分及以上 ' + f.survey.satisfaction + '（单独统计）' : '');
    $('wk-warning').hidden = !p.inspections.overdue;
    $('wk-warning').textContent = '已超过7天没有现场检查，请安排监督小组检查。';
    emit('progress', p);
  }, () => {});
  api('GET', base + '/inspections').then((ins) => {
    const box = $('wk-inspections'); box.textContent = '';
    ins.forEach((i) => {
      const visit = el('p', { text: i.date + ' ' + i.inspectors.join('、') + '：' + i.findings + ' ' });
      for (let n = 1; n <= i.photos; n++) visit.appendChild(photoLink('inspection', i.id, n, '照片' + n));
      box.appendChild(visit);
      i.issues.forEach((is) => {
        const line = el('p', { class: 'issue', text: '问题：' + is.text + (is.fixed_date ? '（已于 ' + is.fixed_date + ' 整改：' + is.fixed_note + '）' : '') });
        if (is.has_fix_photo) line.appendChild(photoLink('fix', is.id, 1, '整改照片'));
        if (!is.fixed_date) {
          const note = el('input', { 'aria-label': '整改情况', placeholder: '整改情况' });
          const fix = el('button', { type: 'button', class: 'secondary', text: '标记已整改' });
          fix.addEventListener('click', () => {
            api('POST', base + '/issues/' + is.id + '/fixed', { date: today(), note: note.value.trim() }).then(() => { load(); say($('wk-inspections'), '已标记整改：' + is.text); }, fail(fix));
          });
          box.appendChild(line);
          box.appendChild(el('div', { class: 'row' }, [note, fix]));
          return;
        }
        box.appendChild(line);
      });
    });
  }, () => {});
}

export function init() {
  $('wk-date').value = today();
  let dated = false; // the server's day once the project is here
  on('project', () => { if (!dated) { dated = true; $('wk-date').value = today(); } });
  $('wk-stages').addEventListener('input', () => setDirty('works', '工程阶段'));
  $('wk-group').addEventListener('input', () => setDirty('works', '监督小组'));
  $('wk-stages-save').addEventListener('click', function () {
    const btn = this;
    api('PUT', base + '/stages', rows('#wk-stages')).then(() => { load(); say(btn, '阶段已保存'); }, fail(btn));
  });
  $('wk-group-add').addEventListener('click', () => { document.querySelector('#wk-group tbody').appendChild(groupRow({})); setDirty('works', '监督小组'); });
  $('wk-group-save').addEventListener('click', function () {
    const btn = this;
    api('PUT', base + '/supervisors', rows('#wk-group')).then(() => { setDirty('works', null); say(btn, '监督小组已保存'); }, fail(btn));
  });
  $('wk-goal-save').addEventListener('click', function () {
    const btn = this;
    api('PUT', base + '/satisfaction-goal', { goal: val('wk-goal') }).then(() => { load(); say(btn, '目标已保存'); }, fail(btn));
  });
  $('wk-inspect').addEventListener('submit', (e) => {
    e.preventDefault();
    const btn = $('wk-inspect-save');
    api('POST', base + '/inspections', { date: $('wk-date').value, inspectors: val('wk-inspectors').split(/[,，、]/).map((s) => s.trim()).filter(Boolean),
      findings: val('wk-findings'), issues: $('wk-issues').value.split('\n').map((s) => s.trim()).filter(Boolean) })
      .then(() => { $('wk-inspect').reset(); $('wk-date').value = today(); load(); say(btn, '已记录检查'); }, fail(btn));
  });
  let first = true;
  on('project', () => { if (first) { first = false; load(); } });
  on('feedback-changed', load);
  on('discard', (name) => { if (name === 'works') load(); });
}
