// 资金: payments against each household's plan (with their receipts),
// reversals and refunds of a payment, the ledger, and the project's other
// income and spending. Recording money cannot be undone (a mistake is
// reversed, never deleted), so every record asks first.
import { api, el, $, val, base, state, on, say, fail, ask, key, money, table, options, householdName, readPhoto, photoLink, today } from './api.js';

const statusNames = { settled: '已缴清', overdue: '逾期', current: '按期', none: '无需出资' };
const kinds = { payment: '缴款', refund: '退款', reversal: '冲正' };
let loaded = false;

function household(id) { return (state.project.households.filter((h) => h.id === id)[0]) || { room: '', owner: '' }; }
function links() {
  $('mo-arrears').href = base + '/arrears.xlsx?as_of=' + $('mo-asof').value;
  $('mo-statement').href = base + '/statement.pdf';
}

function ledger() {
  links();
  if (!state.project.ballot) { $('mo-totals').textContent = '方案发布后才有缴款台账。'; return Promise.resolve(); }
  loaded = true;
  return api('GET', base + '/ledger?as_of=' + $('mo-asof').value).then((l) => {
    const t = l.totals;
    // nothing fallen due yet: no rate to speak of
    const rate = t.collection_rate === null || t.collection_rate === undefined ? '—' : t.collection_rate + '%';
    $('mo-totals').textContent = '应缴合计 ' + money(t.total_due) + ' 元，已缴 ' + money(t.paid) + ' 元，逾期 ' + money(t.overdue) +
      ' 元（' + t.households_overdue + ' 户），收缴率 ' + rate;
    $('mo-ledger').textContent = '';
    const tbl = table(['房号', '业主', '应缴', '已缴', '逾期', '逾期起', '下一笔', '状态'], l.households.map((h) =>
      [h.room, h.owner, money(h.total_due), money(h.paid), money(h.overdue), h.overdue_since || '',
        h.next_due ? h.next_due.date + ' ' + money(h.next_due.remaining) : '', statusNames[h.status] || h.status]), 'ledger');
    tbl.querySelectorAll('tbody tr').forEach((tr, i) => { tr.className = 'st-' + l.households[i].status; });
    $('mo-ledger').appendChild(tbl);
    return payments();
  }, (e) => { $('mo-totals').textContent = e.status === 404 ? '方案发布后才有缴款台账。' : e.message; });
}

// what names a record in a question: household, amount and receipt number
function named(p) {
  const h = household(p.household);
  return householdName(h) + ' 的' + (kinds[p.kind] || p.kind) + ' ' + money(p.amount) + ' 元（收据号 ' + p.receipt_no + '）';
}

// reversalForm / refundForm open under the record's row.
function reversalForm(p, tr) {
  const reason = el('input', { 'aria-label': '冲正原因', placeholder: '冲正原因，如：金额录错', class: 'mo-reason' });
  const go = el('button', { type: 'button', class: 'mo-reverse-go', text: '确认冲正' });
  go.addEventListener('click', () => {
    if (!ask('冲正' + named(p) + '？\n冲正后这笔记录作废（记一笔相反的冲正），不能撤销。')) return;
    api('POST', base + '/payments/' + p.id + '/reversal', { reason: reason.value.trim(), idempotency_key: key() })
      .then((r) => { ledger().then(() => say($('mo-payments'), '已冲正收据号 ' + p.receipt_no + '，冲正记录收据号 ' + r.receipt_no)); }, fail(go));
  });
  return under(tr, [reason, go]);
}
function refundForm(p, tr) {
  const amount = el('input', { 'aria-label': '退款金额（元）', placeholder: '退款金额（元）', inputmode: 'decimal', class: 'mo-refund-amount' });
  const reason = el('input', { 'aria-label': '退款原因', placeholder: '退款原因，如：多缴退回', class: 'mo-reason' });
  const date = el('input', { type: 'date', 'aria-label': '退款日期', value: today() });
  const go = el('button', { type: 'button', class: 'mo-refund-go', text: '确认退款' });
  go.addEventListener('click', () => {
    const h = household(p.household);
    if (!ask('给 ' + householdName(h) + ' 退款 ' + money(amount.value.trim() || '0') + ' 元（原缴款收据号 ' + p.receipt_no + '）？\n退款登记后不能删除，错了只能冲正。')) return;
    api('POST', base + '/households/' + p.household + '/refunds', { amount: amount.value.trim(), reason: reason.value.trim(), date: date.value, idempotency_key: key() })
      .then((r) => { ledger().then(() => say($('mo-payments'), '已登记退款，收据号 ' + r.receipt_no)); }, fail(go));
  });
  return under(tr, [amount, reason, date, go]);
}
function under(tr, controls) {
  const next = tr.nextElementSibling;
  if (next && next.classList.contains('mo-act')) next.remove();
  const row = el('tr', { class: 'mo-act' }, [el('td', { colspan: tr.children.length }, [el('div', { class: 'row' }, controls)])]);
  tr.insertAdjacentElement('afterend', row);
  controls[0].focus();
  return row;
}

function payments() {
  return api('GET', base + '/payments').then((ps) => {
    const box = $('mo-payments'); box.textContent = '';
    if (!ps.length) { box.appendChild(el('p', { class: 'muted', text: '还没有缴款记录。' })); return; }
    const reversed = {};
    ps.forEach((p) => { if (p.reverses) reversed[p.reverses] = true; });
    const list = ps.slice().reverse();
    const tbl = table(['编号', '房号', '类别', '金额（元）', '方式', '日期', '凭证', '照片', ''], list.map((p) => {
      const acts = el('span', { class: 'acts' });
      if (p.kind !== 'reversal' && !reversed[p.id]) {
        const rev = el('button', { type: 'button', class: 'secondary mo-reverse', text: '冲正' });
        rev.addEventListener('click', () => reversalForm(p, rev.closest('tr')));
        acts.appendChild(rev);
        if (p.kind === 'payment') {
          const ref = el('button', { type: 'button', class: 'secondary mo-refund', text: '退款' });
          ref.addEventListener('click', () => refundForm(p, ref.closest('tr')));
          acts.appendChild(ref);
        }
      } else if (reversed[p.id]) acts.appendChild(el('span', { class: 'muted', text: '已冲正' }));
      return [p.receipt_no, household(p.household).room, kinds[p.kind] || p.kind, money(p.amount), p.method || '', p.date,
        el('a', { href: base + '/payments/' + p.id + '/receipt.pdf', target: '_blank', text: '打印' }), p.has_photo ? photoLink('payment', p.id) : '', acts];
    }), 'payments');
    tbl.querySelectorAll('tbody tr').forEach((tr, i) => tr.setAttribute('data-receipt', list[i].receipt_no));
    box.appendChild(tbl);
  }, fail($('mo-payments')));
}

function funds() {
  if (!state.project.ballot) return Promise.resolve();
  return api('GET', base + '/funds').then((fs) => {
    $('mo-funds').textContent = '';
    if (!fs.length) return;
    $('mo-funds').appendChild(table(['日期', '类型', '来源 / 收款单位', '用途', '金额（元）', '照片'], fs.map((f) =>
      [f.date, f.kind === 'income' ? '收入' : (f.kind === 'expense' ? '支出' : '冲正'), f.source || f.payee || '', f.what, money(f.amount),
        f.has_photo ? photoLink('fund', f.id) : '']), 'funds'));
  }, fail($('mo-fund')));
}

function resetPay() {
  $('mo-amount').value = ''; $('mo-photo').value = ''; $('mo-date').value = today(); $('mo-method').selectedIndex = 0;
}
function pay(e) {
  e.preventDefault();
  const btn = $('mo-save'), hid = $('mo-household').value, who = $('mo-household').selectedOptions[0].textContent;
  const question = '登记 ' + who + ' 缴款 ' + money(val('mo-amount') || '0') + ' 元（' + $('mo-method').value + '，' + $('mo-date').value + '）？\n登记后开出收据，不能删除，错了只能冲正。';
  if (!ask(question)) return;
  let body = null;
  readPhoto($('mo-photo')).then((photo) => {
    body = { amount: val('mo-amount'), method: $('mo-method').value, date: $('mo-date').value, photo: photo, idempotency_key: key() };
    return api('POST', base + '/households/' + hid + '/payments', body);
  }).catch((err) => {
    // more than the household still owes: taken only when the worker says it is meant
    if (!body || err.field !== 'amount' || String(err.message).indexOf('overpay') < 0 || !ask(err.message + '\n\n确实是多缴吗？')) throw err;
    body.overpay = true;
    return api('POST', base + '/households/' + hid + '/payments', body);
  }).then((p) => {
    resetPay();
    say(btn, '已登记，收据号 ' + p.receipt_no + '，核验码 ' + p.code + '。', false,
      [el('a', { href: base + '/payments/' + p.id + '/receipt.pdf', target: '_blank', text: ' 打印收据' })]);
    ledger();
  }, fail(btn, null));
}

function fund(e) {
  e.preventDefault();
  const btn = $('mo-fsave'), kind = $('mo-kind').value, who = val('mo-who');
  const body = { kind: kind, what: val('mo-what'), amount: val('mo-famount'), date: $('mo-fdate').value, idempotency_key: key() };
  if (kind === 'income') body.source = who; else body.payee = who;
  if (!ask('登记' + (kind === 'income' ? '收入' : '支出') + ' ' + money(body.amount || '0') + ' 元（' + (who || '未填来源') + '，' + body.date + '）？\n登记后不能删除，错了只能冲正。')) return;
  readPhoto($('mo-fphoto')).then((photo) => { body.photo = photo; return api('POST', base + '/funds', body); }).then(() => {
    $('mo-fund').reset(); $('mo-fdate').value = today();
    say(btn, '已登记。'); funds();
  }, fail(btn));
}

export function init() {
  $('mo-date').value = today(); $('mo-asof').value = today(); $('mo-fdate').value = today();
  // once the project is here, the dates start from the server's day
  let dated = false;
  on('project', () => { if (!dated) { dated = true; $('mo-date').value = today(); $('mo-asof').value = today(); $('mo-fdate').value = today(); } });
  $('mo-asof').addEventListener('change', ledger);
  $('mo-pay').addEventListener('submit', pay);
  $('mo-fund').addEventListener('submit', fund);
  on('project', (p) => { options($('mo-household'), p.households, householdName); links(); });
  document.addEventListener('rv:section', (e) => { if (e.detail === 'money' && state.project) { ledger(); funds(); } });
  on('project', () => { if (!$('money').hidden && !loaded) { ledger(); funds(); } });
}
