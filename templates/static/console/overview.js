// The overview of many buildings (/console/overview): stage counts and
// money as bars, a table with a link into each building, filters and the
// statistics return. Every figure and word comes from the API.
const rv = window.rv;
const $ = (id) => document.getElementById(id);
const el = rv.el;

const box = $('overview');
const params = new URLSearchParams(location.search);
let orgID = params.get('org_root') || box.getAttribute('data-org');

function query() {
  const q = new URLSearchParams();
  if ($('ov-stage').value) q.set('stage', $('ov-stage').value);
  if ($('ov-org').value) q.set('org', $('ov-org').value);
  if ($('ov-q').value.trim()) q.set('q', $('ov-q').value.trim());
  const s = q.toString();
  return s ? '?' + s : '';
}

// below lists the 街道 and 社区 under the organisation looked at, each
// 社区 named with its 街道 when there are several 街道 (a 区's overview)
function below(nodes, street, out) {
  nodes.forEach((n) => {
    if (n.kind === '街道') out.push({ id: n.id, text: n.name + '（全部社区）' });
    if (n.kind === '社区') out.push({ id: n.id, text: street ? street + ' · ' + n.name : n.name });
    below(n.children || [], n.kind === '街道' ? n.name : street, out);
  });
  return out;
}
function find(nodes, id) {
  for (const n of nodes) {
    if (String(n.id) === String(id)) return n;
    const f = find(n.children || [], id);
    if (f) return f;
  }
  return null;
}
let district = false; // a 区's overview: rows name their 街道 too

function pct(p) { return p ? p + '%' : '—'; }

// the stages in the order a building goes through them (the API's totals
// come as an object, whose keys arrive sorted by code point)
const ORDER = ['筹备', '表决中', '结果公示', '施工', '交付'];
function ordered(stages) {
  const keys = Object.keys(stages);
  return ORDER.filter((s) => keys.includes(s)).concat(keys.filter((s) => !ORDER.includes(s)));
}

// attention names, in plain words, what holds a building up: what a 街道
// supervisor would ask its 社区 about. Only what the row says, no
// thresholds of our own.
function attention(r) {
  const out = [], c = r.consent;
  if (r.stage === '表决中' && c && !c.reached) out.push('同意未过线');
  if ((r.stage === '表决中' || r.stage === '结果公示') && r.works_started) out.push('表决结果尚未最终公告，已登记开工');
  if (r.complaints > r.answered_within_3_days) out.push((r.complaints - r.answered_within_3_days) + ' 件投诉未在3日内答复');
  if ((r.stage === '施工' || r.stage === '交付') && r.days_since_inspection === null) out.push('施工后未巡查');
  if ((r.stage === '施工' || r.stage === '交付') && r.due !== r.collected) out.push('居民出资未收齐');
  return out;
}

function row(r) {
  const c = r.consent;
  const consent = c ? '面积 ' + pct(c.area_approval) + ' / 人数 ' + pct(c.owners_approval) + (c.reached ? '（已达到）' : '（需 ' + c.need_approval + '%）') : '—';
  const sat = r.rated ? r.satisfaction + '%（' + r.rated + ' 人）' : '暂无评价';
  const days = r.days_since_inspection === null ? '未巡查' : r.days_since_inspection + ' 天';
  const notes = attention(r);
  return el('tr', { 'data-project': String(r.project_id) }, [
    el('td', {}, [el('a', { href: '/console/projects/' + r.project_id, text: r.name }), el('div', { class: 'muted', text: r.address })]),
    el('td', { text: district ? r.street + ' · ' + r.org : r.org }),
    el('td', { class: 'num', text: String(r.households) }),
    el('td', { class: 'stage nowrap', text: r.stage }),
    el('td', { text: consent }),
    el('td', { class: 'money' }, [el('div', { text: '应缴 ' + rv.money(r.due) }), el('div', { text: '已收 ' + rv.money(r.collected) })]),
    el('td', { text: sat }),
    el('td', { class: 'nowrap', text: r.complaints ? r.answered_within_3_days + ' / ' + r.complaints + ' 件' : '无投诉' }),
    el('td', { class: 'nowrap', text: days }),
    el('td', { class: 'attention' + (notes.length ? ' bad' : ''), text: notes.length ? notes.join('；') : '—' }),
  ]);
}

function show(ov) {
  $('ov-title').textContent = ov.org.name + ' 项目总览';
  $('ov-asof').textContent = '统计时间：' + new Date(ov.as_of).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' }) + '（北京时间）';
  const stages = ordered(ov.totals.stages);
  if ($('ov-stage').options.length === 1) stages.forEach((s) => $('ov-stage').appendChild(el('option', { value: s, text: s })));
  $('ov-stages').replaceChildren(rv.bars(stages, [{ name: '楼栋', values: stages.map((s) => ov.totals.stages[s]) }], (v) => v + ' 栋'));
  const t = ov.totals;
  // bar lengths only are numbers; the labels are the API's exact amounts
  const amounts = [t.due, t.collected, t.subsidy, t.society], lengths = amounts.map(Number);
  $('ov-money').replaceChildren(rv.bars(['应缴', '已收（居民）', '政府补贴', '社会资金'],
    [{ name: '元', values: lengths, cls: 'ok' }], (v) => rv.money(amounts[lengths.indexOf(v)])));
  const held = ov.rows.filter((r) => attention(r).length).length;
  $('ov-totals').textContent = '共 ' + t.projects + ' 个楼栋、' + t.households + ' 户；需要关注 ' + held + ' 栋；投诉3日内答复 ' + t.answered_within_3_days + ' / ' + t.complaints + ' 件' +
    '；满意度 ' + (t.rated ? t.satisfaction + '%（' + t.rated + ' 人评价）' : '暂无评价');
  const tbody = document.querySelector('#ov-table tbody');
  tbody.replaceChildren(...(ov.rows.length ? ov.rows.map(row) : [el('tr', {}, [el('td', { colspan: '10', text: '没有符合条件的楼栋' })])]));
  $('ov-xlsx').href = '/api/v1/orgs/' + orgID + '/overview.xlsx' + query();
}

function load() {
  return rv.api('GET', '/api/v1/orgs/' + orgID + '/overview' + query()).then(show, rv.error);
}

rv.api('GET', '/api/v1/orgs').then((res) => {
  if (!orgID || orgID === '0') {
    if (!res.orgs.length) { rv.error({ message: '还没有组织：请管理员先添加区、街道和社区' }); return; }
    orgID = String(res.orgs[0].id);
  }
  const root = find(res.orgs, orgID);
  district = !!root && root.kind === '区';
  if (district) { $('ov-org-text').textContent = '街道/社区'; $('ov-org').options[0].textContent = '全部街道和社区'; document.querySelector('#ov-table th.org').textContent = '街道 · 社区'; }
  below(root ? root.children || [] : res.orgs, '', []).forEach((o) => $('ov-org').appendChild(el('option', { value: String(o.id), text: o.text })));
  return load();
}, rv.error);

$('ov-filter').addEventListener('submit', (e) => { e.preventDefault(); load(); });
