// The project page: sections a worker moves between (the section is in the
// URL's hash, so a reload keeps it), the contact and the agreement's terms
// above them, and the audit chain's alarm. Each section is its own module.
import { api, $, val, base, state, loadProject, on, emit, say, fail, fieldError, clearFieldErrors, unsaved, ask, time } from './api.js';
import * as households from './households.js';
import * as plans from './plans.js';
import * as compare from './compare.js';
import * as vote from './vote.js';
import * as result from './result.js';
import * as paper from './paper.js';
import * as money from './money.js';
import * as funding from './funding.js';
import * as works from './works.js';
import * as feedback from './feedback.js';

const sections = ['households', 'plans', 'vote', 'paper', 'money', 'funding', 'works', 'feedback'];
let current = null;

// show opens a section; leaving one with unsaved changes asks first.
function show(name) {
  if (sections.indexOf(name) < 0) name = current || 'households';
  if (name === current) return true;
  const pending = current && unsaved(current);
  if (pending && !ask('“' + pending + '”有修改还没有保存，离开后这些修改会丢失。确定离开吗？')) {
    history.replaceState(null, '', '#' + current);
    return false;
  }
  if (pending) emit('discard', current); // the section puts back what was saved
  current = name;
  document.querySelectorAll('.panel').forEach((p) => { p.hidden = p.getAttribute('data-section') !== name; });
  document.querySelectorAll('#sections a').forEach((a) => {
    if (a.getAttribute('data-section') === name) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  });
  if (location.hash !== '#' + name) history.replaceState(null, '', location.pathname + location.search + '#' + name);
  document.dispatchEvent(new CustomEvent('rv:section', { detail: name }));
  return true;
}
window.addEventListener('hashchange', () => show(location.hash.slice(1)));
window.addEventListener('beforeunload', (e) => {
  if (unsaved()) { e.preventDefault(); e.returnValue = ''; }
});

// ---- the contact residents are told to ask, and the agreement's terms
$('ct-save').addEventListener('click', function () {
  const btn = this;
  api('PUT', base + '/contact', { name: val('ct-name'), phone: val('ct-phone'), office: val('ct-office') }).then((p) => {
    state.project.contact = p.contact; state.project.contact_line = p.contact_line;
    $('ct-show').textContent = p.contact.name || '未填写';
    say(btn, '联系人已保存');
  }, fail(btn));
});
const termFields = ['party_a', 'party_a_rep', 'account_name', 'account_bank', 'account_number', 'compensation_by'];
function termsHint() {
  const t = state.project.terms;
  $('p-terms-missing').hidden = !!(t.party_a && t.account_number);
}
if ($('tm-save')) $('tm-save').addEventListener('click', function () {
  const btn = this, t = {};
  termFields.forEach((f) => { t[f] = val('tm-' + f); });
  api('PUT', base + '/terms', t).then((p) => {
    state.project.terms = p.terms; termsHint();
    $('tm-show').textContent = p.terms.party_a || '未填写（协议上留空，开会时手写）';
    clearFieldErrors();
    say(btn, p.ballot ? '已保存：下次发布方案时印到协议上' : '协议要素已保存');
  }, (e) => {
    clearFieldErrors();
    if (termFields.indexOf(e.field) >= 0) fieldError($('tm-' + e.field), e.message);
    say(btn, e.message, true);
  });
});
on('project', termsHint);

// ---- the audit chain: a refusal to write stays in view until someone
// acts; each independent witness says how far behind it is
function showChain() {
  api('GET', base + '/chain').then((st) => {
    const alarm = $('chain-alarm');
    alarm.hidden = !st.broken;
    if (st.broken) alarm.textContent = '⚠ ' + time(st.broken.at) + ' 起本项目停止写入：' + st.broken.message;
    const parts = st.witnesses.map((w) => w.url + '：' + (w.pending ? '尚有 ' + w.pending + ' 条未确认' : '已全部确认') +
      (w.last_ok && w.last_ok.indexOf('0001-') !== 0 ? '，上次确认 ' + time(w.last_ok) : '，从未确认') + (w.last_error ? '（' + w.last_error + '）' : ''));
    $('chain-witnesses').textContent = (st.witnessed ? '见证记录到第 ' + st.witnessed.seq + ' 条。' : '') +
      (parts.length ? '独立见证方：' + parts.join('；') : '未设独立见证方（serve --witness）。');
  }, () => {});
}

// ---- start: presets first (the plan form and the rules need them),
// then the project; a ballot's QR code opens …?paper={household}#paper
[households, plans, compare, vote, result, paper, money, funding, works, feedback].forEach((m) => m.init());
show(location.hash.slice(1) || 'households');
plans.loadPresets().then(loadProject).then((p) => {
  $('guide').hidden = p.households.length > 0;
  const hid = new URLSearchParams(location.search).get('paper');
  if (hid) { show('paper'); paper.openPaperForm(hid); }
}, (e) => say($('sections'), e.message, true));
showChain();
setInterval(showChain, 60000);
