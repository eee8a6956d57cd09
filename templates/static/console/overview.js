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

function communities(nodes, out) {
  nodes.forEach((n) => { if (n.kind === '社区') out.push(n); communities(n.children || [], out); });
  return out;
}

function pct(p) { return p ? p + '%' : '—'; }

function row(r) {
  const c = r.consent;
  const consent = c ? '面积 ' + pct(c.area_approval) + ' / 人数 ' + pct(c.owners_approval) + (c.reached ? '（已达到）' : '（需 ' + c.need_approval + '%）') : '—';
  const sat = r.rated ? r.satisfaction + '%（' + r.rated + ' 人）' : '暂无评价';
  const days = r.days_since_inspection === null ? '未巡查' : r.days_since_inspection + ' 天';
  return el('tr', { 'data-project': String(r.project_id) }, [
    el('td', {}, [el('a', { href: '/console/projects/' + r.project_id, text: r.name }), el('div', { class: 'muted', text: r.address })]),
    el('td', { text: r.org }),
    el('td', { text: String(r.households) }),
    el('td', { class: 'stage', text: r.stage }),
    el('td', { text: consent }),
    el('td', { text: r.due + ' / ' + r.collected }),
    el('td', { text: sat }),
    el('td', { text: r.complaints ? r.answered_within_3_days + '/' + r.complaints : '—' }),
    el('td', { text: days }),
  ]);
}

function show(ov) {
  $('ov-title').textContent = ov.org.name + ' 项目总览';
  $('ov-asof').textContent = '统计时间：' + new Date(ov.as_of).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' }) + '（北京时间）';
  const stages = Object.keys(ov.totals.stages);
  if ($('ov-stage').options.length === 1) stages.forEach((s) => $('ov-stage').appendChild(el('option', { value: s, text: s })));
  $('ov-stages').replaceChildren(rv.bars(stages, [{ name: '楼栋', values: stages.map((s) => ov.totals.stages[s]) }], (v) => v + ' 栋'));
  const t = ov.totals;
  // bar lengths only are numbers; the labels are the API's exact amounts
  const amounts = [t.due, t.collected, t.subsidy, t.society], lengths = amounts.map(Number);
  $('ov-money').replaceChildren(rv.bars(['应缴', '已收（居民）', '政府补贴', '社会资金'],
    [{ name: '元', values: lengths, cls: 'ok' }], (v) => amounts[lengths.indexOf(v)]));
  $('ov-totals').textContent = '共 ' + t.projects + ' 个楼栋、' + t.households + ' 户；3日内答复 ' + t.answered_within_3_days + '/' + t.complaints +
    '；满意度 ' + (t.rated ? t.satisfaction + '%（' + t.rated + ' 人评价）' : '暂无评价');
  const tbody = document.querySelector('#ov-table tbody');
  tbody.replaceChildren(...(ov.rows.length ? ov.rows.map(row) : [el('tr', {}, [el('td', { colspan: '9', text: '没有符合条件的楼栋' })])]));
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
  communities(res.orgs, []).forEach((o) => $('ov-org').appendChild(el('option', { value: String(o.id), text: o.name })));
  return load();
}, rv.error);

$('ov-filter').addEventListener('submit', (e) => { e.preventDefault(); load(); });
