// Shared helpers of the worker console: the API with the session cookie
// and the CSRF header, messages, a tiny element builder, money and SVG bars.
var rv = (function () {
  function cookie(name) {
    var m = document.cookie.match(new RegExp('(?:^|; )' + name + '=([^;]*)'));
    return m ? decodeURIComponent(m[1]) : '';
  }
  function api(method, path, body, contentType) {
    var headers = { 'X-CSRF-Token': cookie('__Host-renovote_csrf') || cookie('renovote_csrf') };
    var opts = { method: method, headers: headers, credentials: 'same-origin' };
    if (body !== undefined) {
      headers['Content-Type'] = contentType || 'application/json';
      opts.body = contentType ? body : JSON.stringify(body);
    }
    return fetch(path, opts).then(function (res) {
      // a lapsed session goes back to the login page; a refused login
      // stays where it is and says why
      if (res.status === 401 && path !== '/api/v1/login') { location.href = '/login'; throw new Error('请先登录'); }
      var ct = res.headers.get('Content-Type') || '';
      var parse = ct.indexOf('json') >= 0 ? res.json() : res.text();
      return parse.then(function (data) {
        if (!res.ok) {
          var e = new Error((data && data.message) || ('请求失败：' + res.status));
          e.field = data && data.field; e.code = data && data.code; e.status = res.status;
          throw e;
        }
        return data;
      });
    });
  }
  function el(tag, attrs, children) {
    var n = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') n.textContent = attrs[k];
      else if (k === 'class') n.className = attrs[k];
      else if (k === 'style') { // through the CSSOM: the CSP forbids style attributes
        attrs[k].split(';').forEach(function (d) { var p = d.split(':'); if (p.length === 2) n.style.setProperty(p[0].trim(), p[1].trim()); });
      } else n.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { n.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return n;
  }
  function show(id, msg) {
    var box = document.getElementById(id);
    if (!box) return;
    box.textContent = msg; box.hidden = !msg;
  }
  function error(e) { show('flash', ''); show('error', e && e.message ? (e.field ? e.message + '（' + e.field + '）' : e.message) : String(e)); }
  function flash(msg) { show('error', ''); show('flash', msg); }
  function money(s) {
    var neg = s.charAt(0) === '-'; if (neg) s = s.slice(1);
    var p = s.split('.'), w = p[0].replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return (neg ? '-' : '') + w + '.' + (p[1] || '00');
  }
  function table(headers, rows, cls) {
    return el('table', { class: 'grid ' + (cls || '') }, [
      el('thead', {}, [el('tr', {}, headers.map(function (h) { return el('th', { text: h }); }))]),
      el('tbody', {}, rows.map(function (r) {
        return el('tr', {}, r.map(function (c) { return c instanceof Node ? el('td', {}, [c]) : el('td', { text: String(c) }); }));
      }))
    ]);
  }
  var SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs, children) {
    var n = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { if (k === 'text') n.textContent = attrs[k]; else n.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { n.appendChild(c); });
    return n;
  }
  // bars draws labelled horizontal bars; series is [{name, values, cls}].
  function bars(labels, series, fmt) {
    var max = 0;
    series.forEach(function (s) { s.values.forEach(function (v) { max = Math.max(max, v); }); });
    // the label column is as wide as the longest label (CJK ≈ 13 px a
    // character at this size), so labels never run into the bars
    var longest = 0;
    labels.forEach(function (l) { longest = Math.max(longest, String(l).length); });
    var rowH = 8 + 14 * series.length, width = 640, labelW = Math.min(320, Math.max(60, longest * 13 + 12)), valueW = 120;
    var g = [];
    labels.forEach(function (label, i) {
      var y = i * rowH + 4;
      g.push(svg('text', { x: 0, y: y + 12, class: 'label', text: label }));
      series.forEach(function (s, j) {
        var v = s.values[i] || 0, w = max > 0 ? (width - labelW - valueW) * v / max : 0;
        g.push(svg('rect', { x: labelW, y: y + j * 14, width: Math.max(w, 0.5), height: 12, class: 'bar ' + (s.cls || '') }));
        g.push(svg('text', { x: labelW + w + 4, y: y + j * 14 + 10, class: 'value', text: fmt ? fmt(v) : String(v) }));
      });
    });
    return svg('svg', { viewBox: '0 0 ' + width + ' ' + (labels.length * rowH + 8), class: 'chart', role: 'img' }, g);
  }
  function key() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var a = new Uint8Array(16); crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }
  // printOnly prints one part of the page (a list, the slips) and nothing
  // around it.
  function printOnly(node) {
    node.classList.add('print-target'); document.body.setAttribute('data-print', '');
    var done = function () { node.classList.remove('print-target'); document.body.removeAttribute('data-print'); window.removeEventListener('afterprint', done); };
    window.addEventListener('afterprint', done);
    window.print();
  }
  // fieldError shows an error beside the input it is about (and still at
  // the top), so a mistake low on a long page is seen where it was made.
  function fieldError(input, e) {
    clearFieldErrors();
    error(e);
    if (!input) return;
    input.classList.add('invalid');
    input.setAttribute('aria-invalid', 'true');
    var msg = el('span', { class: 'field-error', role: 'alert', text: e.message });
    (input.closest('label') || input).insertAdjacentElement('afterend', msg);
    input.scrollIntoView({ block: 'center' });
  }
  function clearFieldErrors() {
    document.querySelectorAll('.field-error').forEach(function (n) { n.remove(); });
    document.querySelectorAll('.invalid').forEach(function (n) { n.classList.remove('invalid'); n.removeAttribute('aria-invalid'); });
  }
  var logout = document.getElementById('logout');
  if (logout) logout.addEventListener('click', function () {
    api('POST', '/api/v1/logout').then(function () { location.href = '/login'; }, function () { location.href = '/login'; });
  });
  return { api: api, el: el, error: error, flash: flash, money: money, table: table, bars: bars, key: key, show: show, printOnly: printOnly, fieldError: fieldError, clearFieldErrors: clearFieldErrors };
})();
