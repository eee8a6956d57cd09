// 方案: the scenario form with its live calculation and the saved
// scenarios (compare.js sets two to four of them side by side). A new scenario holds
// the cost alone; subsidies, relief, installments and the running cost are
// the worker's explicit choice. Rates are typed as percentages.
import { api, el, $, val, base, state, on, emit, say, fail, fieldError, clearFieldErrors, setDirty, unsaved, ask, money, table, bars, options } from './api.js';
import { toRatio, toPercent } from './percent.js';

let presets = null;
let editing = null; // the saved draft the form holds, or null for a new one
let scenarios = [];

const rows = (id) => Array.from(document.querySelectorAll('#' + id + ' tbody tr'));
function byKey(list, key) { return list.filter((x) => x.key === key)[0]; }
function rangeText(list) { return (list || []).map((r) => r.floors + ':' + r.value).join(', '); }
function tableText(list) { return (list || []).map((r) => r.min_floors + ':' + r.amount).join(', '); }
function ranges(text) {
  return text.split(/[,，]/).map((s) => s.trim()).filter(Boolean).map((s) => {
    const kv = s.split(/[:：]/); return { floors: kv[0].trim(), value: (kv[1] || '').trim() };
  });
}
function changed() { setDirty('plans', '方案“' + (val('m-name') || '未命名') + '”'); }
function delButton(tr) {
  const del = el('button', { type: 'button', class: 'linkish', text: '删除' });
  del.addEventListener('click', () => { tr.remove(); changed(); calcSoon(); });
  return del;
}

function costRow(c) {
  const tr = el('tr', {}, [el('td', {}, [el('input', { value: c.name || '', 'aria-label': '费用名称' })]),
    el('td', {}, [el('input', { value: c.amount || '', 'aria-label': '金额', inputmode: 'decimal' })])]);
  tr.appendChild(el('td', {}, [delButton(tr)]));
  return tr;
}
function subRow(s) {
  const type = el('select', { 'aria-label': '补贴类型' }, [el('option', { value: 'fixed', text: '固定金额' }), el('option', { value: 'percent', text: '按比例' }), el('option', { value: 'by_floors', text: '按层数' })]);
  type.value = s.type || 'fixed';
  const tr = el('tr', {}, [el('td', {}, [el('input', { value: s.name || '', 'aria-label': '补贴名称' })]), el('td', {}, [type]),
    el('td', {}, [el('input', { value: s.type === 'percent' ? toPercent(s.rate) : (s.amount || ''), 'aria-label': '金额或比例（%）' })]),
    el('td', {}, [el('input', { value: s.cap || tableText(s.table), 'aria-label': '封顶或层数表' })])]);
  tr.appendChild(el('td', {}, [delButton(tr)]));
  return tr;
}
// compRow has no room until the worker picks one.
function compRow(c) {
  const room = el('select', { 'aria-label': '房号' }, [el('option', { value: '', text: '请选择房号' })]);
  (state.project ? state.project.households : []).forEach((h) => room.appendChild(el('option', { value: h.room, text: h.room })));
  room.value = c.household || '';
  const tr = el('tr', {}, [el('td', {}, [room]), el('td', {}, [el('input', { value: c.amount || '', 'aria-label': '补偿金额', inputmode: 'decimal' })])]);
  tr.appendChild(el('td', {}, [delButton(tr)]));
  return tr;
}

// methodLabel: what the floor ranges mean under the chosen method (none
// for 按面积 and 按户均摊).
const rangeLabels = {
  coefficient_area: '楼层：系数（如 1-2:0, 3:0.7, 4-6:1）', coefficient: '楼层：系数（如 1-2:0, 3:0.7, 4-6:1）',
  floor_percent: '楼层：该层所占比例%（如 1-2:0, 3:10, 4:20）', household_percent: '楼层：每户所占比例%（如 1:0, 2:1.5, 3:4）'
};
function methodLabel() {
  const text = rangeLabels[$('m-method').value];
  $('m-ranges-label').hidden = !text;
  if (text) $('m-ranges-text').textContent = text;
}
function instFields() {
  $('m-inst-fields').hidden = !$('m-inst').checked;
  $('m-inst-preset').hidden = !$('m-inst').checked;
  $('m-fund-label').hidden = $('m-funded').value !== 'fund';
}
function setAllocation(a) {
  $('m-method').value = a.method; $('m-ranges').value = rangeText(a.coefficients || a.percents); methodLabel();
}

// fill puts a scenario document (the calculation contract without
// households) into the form; rates are shown as percentages.
function fill(doc) {
  $('m-name').value = doc.name || '';
  if (doc.floors) $('m-floors').value = doc.floors;
  const costs = document.querySelector('#m-costs tbody'); costs.textContent = '';
  (doc.costs || []).forEach((c) => costs.appendChild(costRow(c)));
  const subs = document.querySelector('#m-subs tbody'); subs.textContent = '';
  (doc.subsidies || []).forEach((s) => subs.appendChild(subRow(s)));
  const comps = document.querySelector('#m-comps tbody'); comps.textContent = '';
  (doc.compensations || []).forEach((c) => comps.appendChild(compRow(c)));
  setAllocation(doc.allocation || { method: 'area' });
  const h = doc.hardship || {};
  $('m-relief').value = h.relief_rate && h.relief_rate !== '0' ? toPercent(h.relief_rate) : '';
  $('m-funded').value = h.funded_by || 'others'; $('m-fund').value = h.fund && h.fund !== '0' && h.fund !== '0.00' ? h.fund : '';
  const i = doc.installments;
  $('m-inst').checked = !!i;
  ['m-down', 'm-months', 'm-rate', 'm-start'].forEach((x) => { $(x).value = ''; });
  if (i) {
    $('m-down').value = toPercent(i.down_payment_rate || '0'); $('m-months').value = i.months || 1; $('m-rate').value = toPercent(i.annual_rate || '0');
    $('m-imethod').value = i.method || 'equal'; $('m-start').value = i.start || '';
  }
  $('m-operating').value = doc.operating ? doc.operating.annual : '';
  instFields();
  clearFieldErrors($('model'));
}

// fresh is a new scenario: the cost and a way to share it, nothing else.
function fresh() {
  const s = presets.starter;
  fill({ name: s.name, costs: s.costs, allocation: s.allocation });
  setEditing(null);
  setDirty('plans', null);
}

export function loadPresets() {
  return api('GET', '/api/v1/presets').then((p) => {
    presets = p; state.presets = p;
    p.subsidies.forEach((s) => $('m-sub-preset').appendChild(el('option', { value: s.key, text: s.name + '（' + s.comment + '）' })));
    p.allocations.forEach((a) => $('m-alloc-preset').appendChild(el('option', { value: a.key, text: a.name + '（' + a.comment + '）' })));
    const i = p.starter.installments;
    $('m-inst-preset').textContent = '填入常见做法：首付 ' + toPercent(i.down_payment_rate) + '%，其余分 ' + i.months + ' 个月付清';
    emit('presets', p);
    fresh();
    return p;
  });
}

// percent reads a percentage field as the API's ratio; a field that is not
// a number is named beside it.
function percent(id, errors) {
  const r = toRatio(val(id));
  if (r === null) { errors.push({ input: $(id), message: '请填写百分数，如 30 或 12.5' }); return '0'; }
  return r || '0';
}

// read is the form as the calculation contract without households, and
// the mistakes the form can see itself (two compensations for the same
// room, a rate that is not a number; when saving, a compensation without
// room).
function read(saving) {
  const errors = [];
  const doc = { name: val('m-name'), floors: parseInt(val('m-floors'), 10) || undefined, costs: [], subsidies: [] };
  rows('m-costs').forEach((tr) => {
    const i = tr.querySelectorAll('input'); doc.costs.push({ name: i[0].value.trim(), amount: i[1].value.trim() || '0' });
  });
  rows('m-subs').forEach((tr) => {
    const i = tr.querySelectorAll('input'), type = tr.querySelector('select').value, s = { name: i[0].value.trim(), type: type };
    if (type === 'fixed') s.amount = i[1].value.trim() || '0';
    if (type === 'percent') {
      const r = toRatio(i[1].value);
      if (r === null) errors.push({ input: i[1], message: '请填写百分数，如 40' });
      s.rate = r || '0';
      if (i[2].value.trim()) s.cap = i[2].value.trim();
    }
    if (type === 'by_floors') s.table = ranges(i[2].value).map((r) => ({ min_floors: parseInt(r.floors, 10), amount: r.value }));
    doc.subsidies.push(s);
  });
  const comps = [], seen = {};
  rows('m-comps').forEach((tr) => {
    const room = tr.querySelector('select'), amount = tr.querySelector('input');
    // a row still being filled in waits for its room; saving asks for it
    if (!room.value) { if (saving) errors.push({ input: room, message: '请选择补偿给哪一户' }); return; }
    if (seen[room.value]) { errors.push({ input: room, message: room.value + ' 已有一行补偿，同一户只能填一行' }); return; }
    seen[room.value] = true;
    comps.push({ household: room.value, amount: amount.value.trim() || '0' });
  });
  if (comps.length) doc.compensations = comps;
  const method = $('m-method').value;
  doc.allocation = { method: method };
  if (method === 'coefficient_area' || method === 'coefficient') doc.allocation.coefficients = ranges(val('m-ranges'));
  if (method === 'floor_percent' || method === 'household_percent') doc.allocation.percents = ranges(val('m-ranges'));
  doc.hardship = { relief_rate: percent('m-relief', errors), funded_by: $('m-funded').value, fund: val('m-fund') || '0' };
  if ($('m-inst').checked) {
    doc.installments = { down_payment_rate: percent('m-down', errors), months: parseInt(val('m-months'), 10) || 1,
      annual_rate: percent('m-rate', errors), method: $('m-imethod').value, start: val('m-start') };
  }
  if (val('m-operating')) doc.operating = { annual: val('m-operating') };
  return { doc, errors };
}

// modelInput is the form input an error's field path is about.
function modelInput(field) {
  const ids = { name: 'm-name', floors: 'm-floors', hardship: 'm-relief', 'hardship.relief_rate': 'm-relief', 'hardship.fund': 'm-fund',
    'installments.down_payment_rate': 'm-down', 'installments.annual_rate': 'm-rate', 'installments.months': 'm-months',
    'installments.start': 'm-start', 'installments.method': 'm-imethod', 'operating.annual': 'm-operating' };
  if (!field) return null;
  if (ids[field]) return $(ids[field]);
  if (/^allocation/.test(field)) return $('m-ranges');
  const m = /^(costs|subsidies|compensations?)\[(\d+)\](?:\.(\w+))?/.exec(field);
  if (!m) return null;
  const kind = m[1] === 'compensation' ? 'compensations' : m[1];
  const tr = rows('m-' + { costs: 'costs', subsidies: 'subs', compensations: 'comps' }[kind])[+m[2]];
  if (!tr) return null;
  const cells = tr.querySelectorAll('input, select');
  const at = { costs: { name: 0, amount: 1 }, subsidies: { name: 0, type: 1, amount: 2, rate: 2, cap: 3, table: 3 }, compensations: { household: 0, room: 0, amount: 1 } }[kind];
  return cells[at[m[3]] || 0] || null;
}
function showErrors(errors) {
  clearFieldErrors($('model'));
  errors.forEach((x) => fieldError(x.input, x.message));
  if (errors.length) errors[0].input.scrollIntoView({ block: 'nearest' });
}

let timer = null;
function calcSoon() { clearTimeout(timer); timer = setTimeout(calc, 350); }
function calc() {
  const out = $('m-result');
  const p = state.project;
  if (!p || !p.households.length) { out.textContent = '请先在“住户”录入住户。'; return; }
  const { doc, errors } = read();
  if (errors.length) { out.classList.add('stale'); showErrors(errors); return; }
  doc.households = p.households.map((h) => ({ id: h.room, floor: h.floor, area: h.area, owner: h.owner, hardship: h.hardship, exempt: h.exempt }));
  api('POST', '/api/v1/calc', doc).then((r) => {
    out.textContent = '';
    out.appendChild(el('p', { class: 'totals', text: '总造价 ' + money(r.total_cost) + ' 元，补贴 ' + money(r.total_subsidy) +
      ' 元，补偿 ' + money(r.total_compensation) + ' 元，分摊总额 ' + money(r.pool) + ' 元' }));
    const words = el('p', { class: 'words', id: 'm-words' }); out.appendChild(words);
    api('GET', '/api/v1/words/' + r.total_due).then((w) => { words.textContent = '各户应出资合计：' + w.words; }, () => {});
    out.appendChild(el('h3', { text: '各楼层出资' }));
    out.appendChild(bars(r.floor_totals.map((f) => f.floor + ' 层'), [{ name: '应出资', values: r.floor_totals.map((f) => parseFloat(f.due)) }],
      (v) => money(v.toFixed(2)) + ' 元'));
    out.appendChild(table(['楼层', '户数', '分摊', '应出资'], r.floor_totals.map((f) => [f.floor, f.households, money(f.share), money(f.due)])));
    out.appendChild(el('h3', { text: '每户明细（元）' }));
    out.appendChild(el('div', { class: 'scroll' }, [table(['房号', '楼层', '面积', '权重', '分摊', '减免', '代担', '补偿', '应出资', '首付', '年运行费'],
      r.households.map((h) => [h.id, h.floor, h.area, h.weight, money(h.share), money(h.relief), money(h.extra), money(h.compensation),
        money(h.due), h.plan ? money(h.plan.down_payment) : '—', money(h.operating_annual)]))]));
    clearFieldErrors($('model')); out.classList.remove('stale');
  }, (e) => {
    out.classList.add('stale');
    const input = modelInput(e.field);
    showErrors([{ input: input || $('m-save'), message: e.message }]);
  });
}

function setEditing(s) {
  editing = s && s.status !== 'published' ? s : null;
  $('m-update').hidden = !editing;
  $('m-editing').textContent = !s ? '' : (editing ? '正在修改“' + s.name + '”' : '“' + s.name + '”已发布，不能修改；可以改后保存为新方案');
}

function saveAs(btn, method, path) {
  const { doc, errors } = read(true);
  if (errors.length) { showErrors(errors); say(btn, '请先改正标红的地方', true); return; }
  api(method, path, doc).then((s) => {
    setDirty('plans', null); setEditing(s); loadScenarios(s.id);
    say(btn, (method === 'POST' ? '已保存方案“' : '已保存修改“') + s.name + '”');
  }, (e) => {
    const input = modelInput(e.field);
    clearFieldErrors($('model'));
    if (input) fieldError(input, e.message);
    say(btn, e.message, true);
  });
}

function openSaved(copy, btn) {
  if (unsaved('plans') && !ask('方案表单里有没有保存的修改，打开另一个方案会丢掉它们。确定吗？')) return;
  api('GET', base + '/scenarios/' + $('m-saved').value).then((s) => {
    fill(s.input);
    if (copy) { $('m-name').value = s.name + '（副本）'; setEditing(null); say(btn, '已复制“' + s.name + '”，修改后点“保存为新方案”'); changed(); }
    else { setEditing(s); setDirty('plans', null); say(btn, '已打开“' + s.name + '”'); }
    calcSoon();
  }, fail(btn));
}

export function loadScenarios(select) {
  return api('GET', base + '/scenarios').then((ss) => {
    scenarios = ss;
    options($('m-saved'), ss, (x) => x.name + (x.status === 'published' ? '（已发布）' : ''));
    if (select) $('m-saved').value = select;
    $('m-card').href = base + '/card.pdf' + ($('m-saved').value ? '?scenario=' + $('m-saved').value : '');
    emit('scenarios', ss);
  }, fail($('m-saved')));
}

export function init() {
  $('m-cost-add').addEventListener('click', () => { document.querySelector('#m-costs tbody').appendChild(costRow({})); changed(); });
  $('m-comp-add').addEventListener('click', () => {
    document.querySelector('#m-comps tbody').appendChild(compRow({ amount: presets ? presets.starter.compensation : '' })); changed();
  });
  $('m-sub-add').addEventListener('click', () => {
    const p = presets && byKey(presets.subsidies, $('m-sub-preset').value);
    document.querySelector('#m-subs tbody').appendChild(subRow(p || { type: 'fixed' })); changed(); calcSoon();
  });
  $('m-alloc-preset').addEventListener('change', function () {
    const p = presets && byKey(presets.allocations, this.value); if (!p) return;
    setAllocation(p); calcSoon();
  });
  $('m-method').addEventListener('change', methodLabel);
  $('m-inst').addEventListener('change', instFields);
  $('m-funded').addEventListener('change', instFields);
  $('m-inst-preset').addEventListener('click', () => {
    const i = presets.starter.installments;
    $('m-down').value = toPercent(i.down_payment_rate); $('m-months').value = i.months; $('m-rate').value = toPercent(i.annual_rate);
    $('m-imethod').value = i.method; $('m-start').value = i.start; changed(); calcSoon();
  });
  // choosing which saved scenario or subsidy preset to use is not an edit
  const edit = (e) => { if (e.target.id !== 'm-saved' && e.target.id !== 'm-sub-preset') { changed(); calcSoon(); } };
  $('model').addEventListener('input', edit);
  $('model').addEventListener('change', edit);
  $('m-save').addEventListener('click', function () { saveAs(this, 'POST', base + '/scenarios'); });
  $('m-update').addEventListener('click', function () { if (editing) saveAs(this, 'PUT', base + '/scenarios/' + editing.id); });
  $('m-open').addEventListener('click', function () { openSaved(false, this); });
  $('m-copy').addEventListener('click', function () { openSaved(true, this); });
  $('m-new').addEventListener('click', function () {
    if (unsaved('plans') && !ask('方案表单里有没有保存的修改，新方案会丢掉它们。确定吗？')) return;
    fresh(); calcSoon(); say(this, '新方案只填了费用；补贴、减免、分期和运行费请按本项目的情况选择');
  });
  $('m-saved').addEventListener('change', () => { $('m-card').href = base + '/card.pdf' + ($('m-saved').value ? '?scenario=' + $('m-saved').value : ''); });
  on('project', (p) => {
    // the compensation rooms follow the households
    rows('m-comps').forEach((tr) => {
      const sel = tr.querySelector('select'), was = sel.value;
      options(sel, [{ room: '' }].concat(p.households), (h) => h.room || '请选择房号', (h) => h.room);
      sel.value = was;
    });
    calcSoon();
  });
  on('scenarios-changed', () => loadScenarios());
  on('discard', (name) => {
    if (name !== 'plans') return;
    if (editing && editing.input) { fill(editing.input); setEditing(editing); } else fresh();
    setDirty('plans', null); calcSoon();
  });
  loadScenarios();
}
