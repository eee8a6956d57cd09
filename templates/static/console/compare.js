// 方案对比: two to four saved scenarios side by side — each one summed up in
// the server's plain words, then what each floor and household pays under
// each (GET …/compare?ids=).
import { api, el, $, base, on, say, fail, money, table, bars, options } from './api.js';

const picks = ['c-1', 'c-2', 'c-3', 'c-4'];

// compare sets two to four scenarios side by side: each one's summary in
// the server's plain words, then what each floor and household pays.
function compare() {
  const btn = $('c-go');
  const ids = picks.map((x) => $(x).value).filter((v, i, a) => v && a.indexOf(v) === i);
  if (ids.length < 2) { say(btn, '请至少选两个不同的方案', true); return; }
  api('GET', base + '/compare?ids=' + ids.join(',')).then((c) => {
    const out = $('c-result'), names = c.scenarios.map((s) => s.name);
    out.textContent = '';
    out.appendChild(el('h3', { text: '方案内容' }));
    out.appendChild(table(names, [c.scenarios.map((s) => el('ul', { class: 'summary' }, s.summary.map((line) => el('li', { text: line }))))], 'left summaries'));
    out.appendChild(el('h3', { text: '各楼层出资' }));
    out.appendChild(bars(c.floors.map((f) => f.floor + ' 层'), c.scenarios.map((s, k) => ({ name: s.name, values: c.floors.map((f) => parseFloat(f.due[k] || '0')), cls: 's' + k })),
      (v) => money(v.toFixed(2))));
    out.appendChild(el('p', { class: 'legend' }, c.scenarios.map((s, k) => el('span', { class: 'key s' + k, text: '■ ' + s.name + '　' }))));
    // a household a scenario does not cover has no amount there
    const due = (list) => list.map((x) => (x === null || x === undefined ? '—' : money(x)));
    out.appendChild(table(['楼层'].concat(names), c.floors.map((f) => [f.floor + ' 层'].concat(due(f.due))), 'floors'));
    out.appendChild(el('h3', { text: '每户出资（元）' }));
    const hh = c.households.map((h) => [h.room].concat(due(h.due)));
    if (c.total) hh.push(['合计'].concat(due(c.total.due)));
    out.appendChild(el('div', { class: 'scroll' }, [table(['房号'].concat(names), hh, 'households')]));
    say(btn, '已对比 ' + names.length + ' 个方案');
    // the choice, the message and the start of the comparison in one view
    $('compare').scrollIntoView({ block: 'start' });
  }, fail(btn));
}

export function init() {
  $('c-go').addEventListener('click', compare);
  // the first and the latest scenario are picked to start with
  on('scenarios', (ss) => picks.forEach((id, k) => {
    const s = $(id), was = s.value;
    options(s, [{ id: '', name: '—' }].concat(ss), (x) => (x.id ? x.name + (x.status === 'published' ? '（已发布）' : '') : '—'));
    s.value = was && ss.some((x) => String(x.id) === was) ? was : (k === 0 && ss[0] ? ss[0].id : k === 1 && ss.length > 1 ? ss[ss.length - 1].id : '');
  }));
}
