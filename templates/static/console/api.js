// What every section of the project page shares: the API (console.js's,
// with the session cookie and the CSRF header), the element builder, a
// message beside the control that caused it, confirmations, unsaved-change
// tracking and the project as last loaded.
const rv = window.rv;

export const api = rv.api, el = rv.el, money = rv.money, table = rv.table, bars = rv.bars, key = rv.key, printOnly = rv.printOnly;
export const $ = (id) => document.getElementById(id);
export const val = (id) => $(id).value.trim();

const app = $('app');
export const projectID = app.getAttribute('data-project');
export const base = '/api/v1/projects/' + projectID;

// state is the project as last loaded (GET base), shared by the sections.
export const state = { project: null, tally: null };

// on / emit: the sections tell each other what changed ('project' after
// households or the ballot change, 'ballot' after publishing, 'scenarios').
export function on(name, fn) { document.addEventListener('rv:' + name, (e) => fn(e.detail)); }
export function emit(name, detail) { document.dispatchEvent(new CustomEvent('rv:' + name, { detail })); }

export function loadProject() {
  return api('GET', base).then((p) => { state.project = p; emit('project', p); return p; });
}

// slot is the message line that belongs to a control: right after the
// row, form or table cell holding it, so the message is read where the
// hand is.
function slot(control) {
  const row = control.closest('tbody tr');
  if (row) return rowSlot(row);
  const holder = control.closest('.row, form, .actions') || control.closest('label') || control;
  let next = holder.nextElementSibling;
  if (!next || !next.classList.contains('msg')) {
    next = el('p', { class: 'msg', hidden: '' });
    holder.insertAdjacentElement('afterend', next);
  }
  return next;
}
// rowSlot is the message line under a table row, as wide as the table.
function rowSlot(tr) {
  let next = tr.nextElementSibling;
  if (!next || !next.classList.contains('msg-row')) {
    next = el('tr', { class: 'msg-row' }, [el('td', { colspan: String(tr.children.length) }, [el('p', { class: 'msg', hidden: '' })])]);
    tr.insertAdjacentElement('afterend', next);
  }
  return next.querySelector('p.msg');
}

// say shows text beside control: role=status for a confirmation,
// role=alert for an error, scrolled into view. Extra nodes (a receipt
// link) follow the text.
export function say(control, text, bad, extra) {
  const box = slot(control);
  // one message at a time: the last act's, where it happened
  document.querySelectorAll('p.msg').forEach((m) => { if (m !== box) m.hidden = true; });
  box.className = 'msg ' + (bad ? 'bad' : 'ok');
  box.setAttribute('role', bad ? 'alert' : 'status');
  box.textContent = text;
  (extra || []).forEach((n) => box.appendChild(n));
  box.hidden = !text;
  if (text) box.scrollIntoView({ block: 'nearest' });
  return box;
}
export function quiet(control) { const box = slot(control); box.textContent = ''; box.hidden = true; }

// fail is the error handler of a control: the server's message beside it,
// and beside the field it names when given (input).
export function fail(control, input) {
  return (e) => {
    clearFieldErrors();
    const message = e && e.message ? e.message : String(e);
    if (input) fieldError(input, message);
    say(control, message, true);
  };
}
export function fieldError(input, message) {
  input.classList.add('invalid');
  input.setAttribute('aria-invalid', 'true');
  const holder = input.closest('label') || input;
  holder.insertAdjacentElement('afterend', el('span', { class: 'field-error', text: message }));
}
export function clearFieldErrors(within) {
  const root = within || document;
  root.querySelectorAll('.field-error').forEach((n) => n.remove());
  root.querySelectorAll('.invalid').forEach((n) => { n.classList.remove('invalid'); n.removeAttribute('aria-invalid'); });
}

// ask is the question before an act that cannot be undone.
export function ask(question) { return window.confirm(question); }

// Unsaved changes: a section marks itself dirty with what is unsaved; the
// page warns before it is left or the section changed.
const dirty = {};
export function setDirty(section, what) { if (what) dirty[section] = what; else delete dirty[section]; }
export function unsaved(section) { return section ? dirty[section] : Object.keys(dirty).map((k) => dirty[k]).join('、'); }

export function readPhoto(input) {
  const f = input.files[0];
  if (!f) return Promise.resolve(undefined);
  return new Promise((ok, no) => {
    const r = new FileReader();
    r.onload = () => ok(r.result); r.onerror = () => no(new Error('照片读取失败')); r.readAsDataURL(f);
  });
}
// photoLink opens a photo kept with a record, in a new tab.
export function photoLink(kind, id, n, text) {
  return el('a', { href: base + '/photos/' + kind + '/' + id + (n > 1 ? '?n=' + n : ''), target: '_blank', class: 'photo-link', text: text || '照片' });
}
export function time(s) { return s ? new Date(s).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : ''; }
// today in Beijing, for the date fields' first value: the server's day
// (it refuses money dated after it), else this computer's
export function today() { return (state.project && state.project.today) || new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10); }
export function voteName(v) { return { agree: '同意', disagree: '不同意', abstain: '弃权' }[v] || '未表决'; }
export function options(select, list, text, value) {
  select.textContent = '';
  list.forEach((x) => select.appendChild(el('option', { value: value ? value(x) : x.id, text: text(x) })));
}
export function householdName(h) { return h.room + (h.owner ? '（' + h.owner + '）' : ''); }

// openPDF (a link's click handler) fetches the PDF first: a refusal (slips
// after the deadline, links from before they could be printed again) is
// said beside the link instead of opening a page of JSON.
export function openPDF(e) {
  e.preventDefault();
  const link = e.currentTarget;
  fetch(link.href, { credentials: 'same-origin' }).then((res) => {
    if (res.ok) {
      return res.blob().then((b) => {
        el('a', { href: URL.createObjectURL(b), target: '_blank' }).click();
        say(link, '已在新窗口打开，请打印');
      });
    }
    return res.json().then((d) => say(link, d.message || ('打印失败：' + res.status), true), () => say(link, '打印失败：' + res.status, true));
  }, (err) => say(link, err.message, true));
}
