// 打印/纸件: the slips (printed again at any time until the deadline, with
// the same links), a new link for a household whose slip is lost, paper
// ballots entered with their photo, and the printed papers.
import { api, el, $, val, base, state, on, say, fail, ask, key, time, options, householdName, readPhoto, printOnly, openPDF } from './api.js';

// slip is one household's 领取条 on screen: where, who, what to do, until
// when, whom to ask, and the link as a QR code and as text.
export function slip(l, what, deadline) {
  const p = state.project;
  return el('div', { class: 'slip' }, [el('img', { src: '/qr?text=' + encodeURIComponent(l.url), alt: l.room + ' 的二维码' }),
    el('div', {}, [el('b', { text: p.name }), el('br'), el('b', { class: 'room', text: l.room + ' 室' }), el('br'),
      el('span', { text: what + (deadline ? '，请在 ' + time(deadline) + '（北京时间）前完成' : '') + '。' }), el('br'),
      el('a', { href: l.url, class: what.indexOf('问卷') >= 0 ? 'qlink' : 'link', text: l.url }),
      el('small', { text: p.contact_line })])]);
}
const signWhat = '请用手机扫码（或打开链接），查看本户出资金额并表决、签名';

function slipsLink() {
  const q = [];
  if ($('sl-household').value) q.push('household=' + $('sl-household').value);
  if ($('sl-large').checked) q.push('size=large');
  $('sl-pdf').href = base + '/slips.pdf' + (q.length ? '?' + q.join('&') : '');
}

// slipsState: slips print while the vote is open; after the deadline the
// links no longer sign anything.
function slipsState(t) {
  const open = !!(t && t.open);
  $('sl-print').hidden = !open; $('sl-lost').hidden = !open;
  $('sl-state').textContent = !state.project.ballot ? '方案发布后才有领取条。'
    : open ? '领取条上的链接与发布时相同，截止（' + time(t.deadline) + '）前可以随时再打印；每页 4 张，裁开发给各户。'
      : '表决已经结束，领取条不再需要。';
}

function relink() {
  const btn = $('d-relink'), sel = $('d-relink-household');
  const name = sel.selectedOptions[0] ? sel.selectedOptions[0].textContent : '';
  if (!ask('为 ' + name + ' 补发新链接？\n只在领取条丢失时补发：原来的领取条将作废，要把新领取条送到这一户。')) return;
  api('POST', base + '/households/' + sel.value + '/link').then((l) => {
    const box = $('d-newlink'); box.textContent = '';
    const s = slip(l, signWhat, state.tally && state.tally.deadline);
    const print = el('button', { type: 'button', class: 'secondary', text: '打印这张领取条' });
    print.addEventListener('click', () => printOnly(s));
    box.appendChild(s); box.appendChild(el('div', { class: 'row' }, [print]));
    say(btn, '已为 ' + l.room + ' 补发新链接，原来的领取条已作废');
  }, fail(btn));
}

function reissueAll() {
  const btn = $('p-reprint');
  if (!ask('为全部住户补发新链接？\n只在全部领取条都丢失时这样做：原来的领取条将全部作废，必须把新领取条重新发到每一户。已表决的结果不受影响。')) return;
  api('POST', base + '/links').then((r) => {
    const box = $('d-newlink'); box.textContent = '';
    const pdf = el('a', { class: 'button', href: base + '/slips.pdf', target: '_blank', text: '打印新领取条（PDF）' });
    box.appendChild(el('div', { class: 'row' }, [pdf]));
    box.appendChild(el('div', { class: 'slips' }, r.links.map((l) => slip(l, signWhat, state.tally && state.tally.deadline))));
    say(btn, '已为 ' + r.links.length + ' 户补发新链接，原来的领取条已作废。请打印新领取条发给各户。');
  }, fail(btn));
}

// the paper form belongs to one household: a new choice starts it afresh
function resetPaper() {
  ['d-signer', 'd-witness', 'd-photo'].forEach((x) => { $(x).value = ''; });
  $('d-vote').selectedIndex = 0;
}

function record() {
  const btn = $('d-record');
  if (!$('d-photo').files[0]) { say(btn, '请选择纸质表决单的照片', true); return; }
  const room = $('d-household').selectedOptions[0].textContent;
  readPhoto($('d-photo')).then((photo) => api('POST', base + '/households/' + $('d-household').value + '/decisions', {
    decision: $('d-vote').value, signer_name: val('d-signer'), witness: val('d-witness'), photo: photo, idempotency_key: key()
  })).then(() => { resetPaper(); say(btn, '已录入 ' + room + ' 的纸质表决'); }, fail(btn));
}

// openPaperForm: a ballot's QR code opens …?paper={household}#paper, that
// household's paper form, ready to fill in.
export function openPaperForm(hid) {
  const sel = $('d-household');
  if (!sel.querySelector('option[value="' + CSS.escape(hid) + '"]')) return;
  sel.value = hid; resetPaper();
  $('paper-form').scrollIntoView({ block: 'start' }); $('d-vote').focus();
  say($('d-record'), '请录入 ' + sel.selectedOptions[0].textContent + ' 的纸质表决票');
}

export function init() {
  $('sl-pdf').addEventListener('click', openPDF);
  $('sl-household').addEventListener('change', slipsLink);
  $('sl-large').addEventListener('change', slipsLink);
  $('d-relink').addEventListener('click', relink);
  $('p-reprint').addEventListener('click', reissueAll);
  $('d-household').addEventListener('change', resetPaper);
  $('d-record').addEventListener('click', record);
  $('pr-household').addEventListener('change', () => { $('pr-agreement').href = base + '/agreements/' + $('pr-household').value + '.pdf'; });
  $('pr-booklet').href = base + '/booklet.pdf';
  $('pr-notice').href = base + '/notice.pdf'; $('pr-signin').href = base + '/signin.pdf';
  $('pr-card').href = base + '/card.pdf'; $('pr-ballots').href = base + '/ballots.pdf';
  $('pr-audit').addEventListener('click', function () {
    const btn = this;
    api('GET', base + '/audit').then((a) => {
      $('pr-audit-result').className = a.ok ? 'ok' : 'bad';
      $('pr-audit-result').textContent = a.ok ? '审计日志完整：' + a.events + ' 条事件，全部相符。' : '校验未通过：' + a.reason;
    }, fail(btn));
  });
  on('project', (p) => {
    ['d-household', 'pr-household', 'd-relink-household'].forEach((id) => options($(id), p.households, householdName));
    const all = $('sl-household'), was = all.value;
    options(all, [{ id: '', room: '全部住户' }].concat(p.households), (h) => h.id ? householdName(h) : h.room);
    all.value = was;
    $('pr-agreement').href = base + '/agreements/' + $('pr-household').value + '.pdf';
    slipsLink(); slipsState(state.tally);
  });
  on('tally', slipsState);
}
