// 资金来源: the city's rule for 住房公积金 and 维修资金 with the completion
// date, each household's accounts as the statements say, and what each
// household may draw from each source (the server computes it; balances
// come back masked). Links to the table, each certificate and the subsidy
// application file.
import { api, el, $, val, base, state, on, say, fail, ask, money, table, options, householdName, setDirty, fieldError, clearFieldErrors } from './api.js';

const relations = [['owner', '业主本人'], ['spouse', '配偶'], ['parent', '父母'], ['child', '子女']];
const relationName = {};
relations.forEach((r) => { relationName[r[0]] = r[1]; });

function accountRow(a) {
  const rel = el('select', { 'aria-label': '与业主关系', class: 'fu-relation' },
    relations.map((r) => el('option', { value: r[0], text: r[1] })));
  rel.value = a.relation || 'owner';
  const drop = el('button', { type: 'button', class: 'secondary', text: '删除' });
  const tr = el('tr', {}, [
    el('td', {}, [el('input', { 'aria-label': '公积金账户人姓名', class: 'fu-name', value: a.name || '' })]),
    el('td', {}, [rel]),
    el('td', {}, [el('input', { 'aria-label': '公积金余额（元）', class: 'fu-amount', inputmode: 'decimal', value: '' })]),
    el('td', {}, [drop])]);
  drop.addEventListener('click', () => { tr.remove(); setDirty('funding', '账户信息'); });
  return tr;
}

function figures() {
  const accounts = Array.from(document.querySelectorAll('#fu-accounts tbody tr')).map((tr) => ({
    name: tr.querySelector('.fu-name').value.trim(), relation: tr.querySelector('.fu-relation').value,
    balance: tr.querySelector('.fu-amount').value.trim() }));
  const body = { accounts, maintenance: null };
  if (val('fu-first') || val('fu-balance')) body.maintenance = { first_deposit: val('fu-first'), balance: val('fu-balance') };
  return body;
}

// fieldInput is the input a server's field path names (accounts[1].balance).
function fieldInput(field) {
  const m = /^accounts\[(\d+)\]\.(name|relation|balance)$/.exec(field || '');
  if (m) {
    const tr = document.querySelectorAll('#fu-accounts tbody tr')[+m[1]];
    return tr && tr.querySelector({ name: '.fu-name', relation: '.fu-relation', balance: '.fu-amount' }[m[2]]);
  }
  return { 'maintenance.first_deposit': $('fu-first'), 'maintenance.balance': $('fu-balance') }[field];
}

function resetForm(h) {
  const tbody = document.querySelector('#fu-accounts tbody');
  tbody.textContent = '';
  tbody.appendChild(accountRow({ name: h ? h.owner : '', relation: 'owner' }));
  $('fu-first').value = ''; $('fu-balance').value = '';
  setDirty('funding');
}

function showTable(f) {
  const t = f.totals;
  $('fu-totals').textContent = '应出资合计 ' + money(t.due) + ' 元：可提取公积金 ' + money(t.gjj) + ' 元，可用维修资金 ' +
    money(t.maintenance) + ' 元，自筹现金 ' + money(t.cash) + ' 元' + (f.apply_by ? '；请于 ' + f.apply_by + ' 前申请提取' : '');
  const box = $('fu-table'); box.textContent = '';
  const rows = f.households.map((h) => {
    const who = h.gjj.accounts.map((a) => a.name + '（' + (relationName[a.relation] || a.relation) + '）' +
      (a.allowed ? money(a.amount) : '不可提取')).join('；');
    const entered = h.figures ? (h.figures.entered_by === 'household' ? '住户填写' : '工作人员录入') : '未填写';
    return [h.id, h.owner, money(h.due), money(h.gjj.total), who, money(h.maintenance.amount), money(h.cash), entered, ''];
  });
  const tbl = table(['房号', '业主', '应出资', '可提取公积金', '各人可提取', '可用维修资金', '自筹现金', '信息来源', '证明'], rows, 'fu-list');
  tbl.querySelectorAll('tbody tr').forEach((tr, i) => {
    const h = f.households[i];
    tr.lastChild.appendChild(el('a', { href: base + '/households/' + h.household_id + '/share-certificate.pdf', target: '_blank',
      class: 'fu-cert', text: '费用分摊证明' }));
  });
  box.appendChild(tbl);
}

function load() {
  $('fu-xlsx').href = base + '/funding.xlsx';
  $('fu-pack').href = base + '/subsidy-pack.zip';
  if (!state.project || !state.project.ballot) { $('fu-totals').textContent = '方案发布后才能计算各户可用的公积金和维修资金。'; return Promise.resolve(); }
  // the rule first: before one is chosen there is no table to ask for
  return api('GET', base + '/funding-rule').then((r) => {
    if (!r.rule) {
      $('fu-totals').textContent = '请先选择本项目适用的提取规则（所在城市）并保存，再计算各户可用的公积金和维修资金。';
      $('fu-table').textContent = '';
      return null;
    }
    $('fu-preset').value = r.preset || '';
    $('fu-completed').value = r.completed || '';
    return api('GET', base + '/funding').then(showTable);
  }).catch((e) => { $('fu-totals').textContent = e.message; $('fu-table').textContent = ''; });
}

export function init() {
  on('presets', (p) => {
    options($('fu-preset'), p.funding, (x) => x.name, (x) => x.key);
    const note = () => { const x = p.funding.filter((f) => f.key === $('fu-preset').value)[0]; $('fu-rule-note').textContent = x ? x.note : ''; };
    $('fu-preset').addEventListener('change', note);
    note();
  });
  on('project', (p) => {
    const hs = p.households.slice().sort((a, b) => (a.room < b.room ? -1 : a.room > b.room ? 1 : 0));
    options($('fu-household'), hs, householdName, (h) => h.id);
    resetForm(hs[0]);
    load();
  });
  on('section', (name) => { if (name === 'funding') load(); });
  on('discard', (name) => {
    if (name === 'funding') resetForm(state.project.households.filter((h) => String(h.id) === $('fu-household').value)[0]);
  });
  $('fu-household').addEventListener('change', () => {
    resetForm(state.project.households.filter((h) => String(h.id) === $('fu-household').value)[0]);
  });
  $('fu-account-add').addEventListener('click', () => {
    document.querySelector('#fu-accounts tbody').appendChild(accountRow({ relation: 'spouse' }));
    setDirty('funding', '账户信息');
  });
  $('fu-figures').addEventListener('input', () => setDirty('funding', '账户信息'));
  $('fu-rule').addEventListener('submit', (e) => {
    e.preventDefault();
    const btn = $('fu-rule-save');
    api('PUT', base + '/funding-rule', { preset: $('fu-preset').value, completed: $('fu-completed').value || null }).then((r) => {
      say(btn, '规则已保存' + (r.completed ? '，竣工验收日期 ' + r.completed : '（尚未填写竣工验收日期）'));
      load();
    }, fail(btn));
  });
  $('fu-figures').addEventListener('submit', (e) => {
    e.preventDefault();
    const btn = $('fu-save');
    const h = state.project.households.filter((x) => String(x.id) === $('fu-household').value)[0];
    if (!h) return;
    if (!ask('保存 ' + householdName(h) + ' 的公积金和维修资金余额？\n会替换这一户此前录入（或住户自己填写）的信息，并记入审计日志。')) return;
    api('PUT', base + '/households/' + h.id + '/funding', figures()).then((f) => {
      clearFieldErrors();
      resetForm(h); // the balances typed do not stay on the page: the table shows them masked
      say(btn, '已保存 ' + householdName(h) + ' 的 ' + f.accounts.length + ' 个公积金账户' + (f.maintenance ? '和维修资金' : ''));
      load();
    }, (err) => {
      clearFieldErrors();
      const input = fieldInput(err.field);
      if (input) fieldError(input, err.message);
      say(btn, err.message, true);
    });
  });
}
