// Organisations and accounts, for admins on the projects page: the tree,
// a new organisation, a new account with its role. The server says what
// fits where (its messages name the field).
const rv = window.rv;
const $ = (id) => document.getElementById(id);
const el = rv.el;

function say(id, text, bad) { const m = $(id); m.className = bad ? 'bad' : 'ok'; m.textContent = text; }

function flat(nodes, depth, out) {
  nodes.forEach((n) => { out.push({ org: n, depth }); flat(n.children || [], depth + 1, out); });
  return out;
}

function load() {
  return rv.api('GET', '/api/v1/orgs').then((res) => {
    const all = flat(res.orgs, 0, []);
    $('org-tree').replaceChildren(...all.map((x) => el('li', { text: '　'.repeat(x.depth) + x.org.name + '（' + x.org.kind + '，编号 ' + x.org.id + '）' })));
    const opts = (sel, first) => {
      sel.replaceChildren(...(first ? [first] : []), ...all.map((x) => el('option', { value: String(x.org.id), text: '　'.repeat(x.depth) + x.org.name + '（' + x.org.kind + '）' })));
    };
    opts($('og-parent'), el('option', { value: '0', text: '（无，区）' }));
    opts($('us-org'));
    return users(all);
  }, rv.error);
}

// users lists the accounts with their role and organisation, so an admin
// sees who already has one before adding another
function users(all) {
  const names = {};
  all.forEach((x) => { names[x.org.id] = x.org.name + '（' + x.org.kind + '）'; });
  return rv.api('GET', '/api/v1/users').then((res) => {
    $('us-list').replaceChildren(rv.table(['用户名', '显示名', '角色', '所属组织'],
      res.users.map((u) => [u.username, u.display_name || '', u.role_name, u.org_id ? names[u.org_id] || '编号 ' + u.org_id : '—']), 'left'));
  }, rv.error);
}

$('neworg').addEventListener('submit', (e) => {
  e.preventDefault();
  rv.api('POST', '/api/v1/orgs', { name: $('og-name').value.trim(), kind: $('og-kind').value, parent_id: parseInt($('og-parent').value, 10) })
    .then((o) => { say('og-msg', '已添加' + o.kind + '：' + o.name); $('og-name').value = ''; return load(); }, (err) => say('og-msg', err.message, true));
});

$('newuser').addEventListener('submit', (e) => {
  e.preventDefault();
  rv.api('POST', '/api/v1/users', { username: $('us-name').value.trim(), display_name: $('us-display').value.trim(), password: $('us-password').value,
    org_id: parseInt($('us-org').value || '0', 10), role: $('us-role').value })
    .then((u) => { say('us-msg', '已添加账号 ' + u.username + '（' + u.role_name + '）'); $('us-password').value = ''; return load(); }, (err) => say('us-msg', err.message, true));
});

load();
