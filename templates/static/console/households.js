// 住户: the households table. Before publishing everything is editable and
// saved together; an import is previewed (added / changed / removed) and
// taken only when the worker confirms. After publishing the facts are
// frozen and only a phone can be corrected, row by row.
import { api, el, $, base, state, on, emit, say, quiet, fail, fieldError, clearFieldErrors, setDirty, ask, householdName } from './api.js';

const cols = ['room', 'floor', 'area', 'owner', 'owner_id', 'phone', 'hardship', 'exempt', 'must_consent'];
const names = { room: '房号', floor: '楼层', area: '面积', owner: '业主', owner_id: '业主编号', phone: '电话', hardship: '困难户', exempt: '免缴', must_consent: '须本人同意' };
const flags = ['hardship', 'exempt', 'must_consent'];
const tbody = () => document.querySelector('#hh tbody');
const published = () => !!(state.project && state.project.ballot);

function changed() { setDirty('households', '住户名单'); }

function row(h) {
  const frozen = published();
  const cells = cols.map((c) => {
    const input = flags.indexOf(c) >= 0
      ? el('input', { type: 'checkbox', 'data-col': c, 'aria-label': names[c] })
      : el('input', { 'data-col': c, 'aria-label': names[c], value: h[c] === undefined || h[c] === null ? '' : String(h[c]) });
    if (input.type === 'checkbox') input.checked = !!h[c];
    if (frozen && c !== 'phone') { input.disabled = true; }
    return el('td', {}, [input]);
  });
  let last;
  if (frozen) last = phoneButton(h, cells[cols.indexOf('phone')].firstChild);
  else {
    last = el('button', { type: 'button', class: 'linkish', text: '删除' });
    last.addEventListener('click', () => {
      const room = tr.querySelector('[data-col=room]').value;
      if (ask('删除 ' + (room || '这一行') + '？点“保存住户”后才真正删除。')) { tr.remove(); changed(); }
    });
  }
  const tr = el('tr', { 'data-id': h.id || '' }, cells.concat([el('td', {}, [last])]));
  return tr;
}

// phoneButton saves one household's corrected phone (PATCH); a refusal
// puts the saved number back so nothing unsaved looks saved.
function phoneButton(h, input) {
  let saved = h.phone || '';
  const btn = el('button', { type: 'button', class: 'secondary hh-phone-save', text: '保存电话', hidden: '' });
  input.addEventListener('input', () => {
    btn.hidden = input.value.trim() === saved;
    setDirty('households', btn.hidden && !document.querySelector('.hh-phone-save:not([hidden])') ? null : '住户电话');
    quiet(btn);
  });
  btn.addEventListener('click', () => {
    api('PATCH', base + '/households/' + h.id, { phone: input.value.trim() }).then((got) => {
      saved = got.phone || ''; input.value = saved; btn.hidden = true;
      const p = state.project.households.find((x) => x.id === h.id);
      if (p) Object.assign(p, got);
      if (!document.querySelector('.hh-phone-save:not([hidden])')) setDirty('households', null);
      say(btn, '已保存 ' + h.room + ' 的电话');
    }, (e) => {
      input.value = saved; btn.hidden = true;
      if (!document.querySelector('.hh-phone-save:not([hidden])')) setDirty('households', null);
      say(btn, e.message + '（已恢复为原来保存的号码）', true);
    });
  });
  return btn;
}

function show(p) {
  $('guide').hidden = p.households.length > 0;
  tbody().textContent = '';
  p.households.forEach((h) => tbody().appendChild(row(h)));
  $('hh-frozen').hidden = !published();
  $('hh-actions').hidden = published();
  $('hh-import').querySelector('label').hidden = published();
  setDirty('households', null);
}

function read() {
  return Array.prototype.map.call(document.querySelectorAll('#hh tbody tr'), (tr) => {
    const h = {};
    tr.querySelectorAll('input').forEach((i) => {
      const c = i.getAttribute('data-col');
      if (i.type === 'checkbox') h[c] = i.checked;
      else if (c === 'floor') h[c] = parseInt(i.value, 10) || 0;
      else if (i.value.trim() !== '' || c === 'room' || c === 'area') h[c] = i.value.trim();
    });
    return h;
  });
}

function taken(p, btn, text) {
  state.project = p; setDirty('households', null); clearFieldErrors();
  emit('project', p);
  say(btn, text);
}

function save() {
  const btn = $('hh-save');
  api('PUT', base + '/households', { households: read() }).then((p) => taken(p, btn, '已保存 ' + p.households.length + ' 户'), (e) => {
    // households[3].area → the area input of the fourth row
    const m = /^households\[(\d+)\](?:\.(\w+))?/.exec(e.field || ''), tr = m && document.querySelectorAll('#hh tbody tr')[+m[1]];
    clearFieldErrors();
    const input = tr && tr.querySelector('[data-col=' + (m[2] || 'room') + ']');
    if (input) fieldError(input, e.message);
    say(btn, e.message, true);
  });
}

function shown(v) { return v === true ? '是' : v === false ? '否' : (v === '' || v == null ? '（空）' : String(v)); }

// preview shows what an import would change and asks before taking it.
function preview(bytes, type, name) {
  const box = $('hh-preview'), input = $('hh-csv');
  api('PUT', base + '/households?preview=1', bytes, type).then((d) => {
    box.textContent = '';
    const added = d.added || [], changes = d.changed || [], removed = d.removed || [];
    box.appendChild(el('h3', { text: '导入“' + name + '”将：新增 ' + added.length + ' 户，修改 ' + changes.length + ' 户，删除 ' + removed.length + ' 户' }));
    if (added.length) box.appendChild(el('p', { class: 'pv-added', text: '新增：' + added.map(householdName).join('、') }));
    if (changes.length) box.appendChild(el('ul', { class: 'pv-changed' }, changes.map((c) => el('li', {
      text: c.room + '：' + c.fields.map((f) => (names[f.field] || f.field) + ' ' + shown(f.from) + ' → ' + shown(f.to)).join('，')
    }))));
    if (removed.length) box.appendChild(el('p', { class: 'pv-removed bad', text: '删除：' + removed.map(householdName).join('、') }));
    if (!added.length && !changes.length && !removed.length) box.appendChild(el('p', { text: '与现有名单完全相同，不需要导入。' }));
    const yes = el('button', { type: 'button', id: 'hh-import-yes', text: '确认导入' });
    const no = el('button', { type: 'button', class: 'secondary', id: 'hh-import-no', text: '取消' });
    yes.disabled = !added.length && !changes.length && !removed.length;
    yes.addEventListener('click', () => {
      api('PUT', base + '/households', bytes, type).then((p) => { box.hidden = true; taken(p, input, '已导入 ' + p.households.length + ' 户'); }, fail(yes));
    });
    no.addEventListener('click', () => { box.hidden = true; say(input, '已取消导入，名单没有改动'); });
    box.appendChild(el('div', { class: 'row actions' }, [yes, no]));
    box.hidden = false;
    box.scrollIntoView({ block: 'nearest' });
    quiet(input);
  }, fail(input));
}

export function init() {
  $('hh-export').href = base + '/households.csv';
  $('hh-export-xlsx').href = base + '/households.xlsx';
  $('hh').addEventListener('input', (e) => { if (!published() && e.target.matches('input')) changed(); });
  $('hh-add').addEventListener('click', () => { tbody().appendChild(row({ floor: 1, area: '' })); changed(); });
  $('hh-save').addEventListener('click', save);
  $('hh-csv').addEventListener('change', function () {
    const f = this.files[0]; if (!f) return;
    // the bytes as they are: the server tells UTF-8 from GBK, and reads workbooks
    const xlsx = /\.xlsx$/i.test(f.name);
    f.arrayBuffer().then((bytes) => preview(bytes, xlsx ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv', f.name));
    this.value = '';
  });
  on('project', show);
  on('discard', (name) => { if (name === 'households') show(state.project); });
}
