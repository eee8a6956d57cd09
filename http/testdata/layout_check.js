// layout_check lists what a phone would show badly: the page wider than
// the window, a box that scrolls sideways, and text squeezed into a
// column narrower than three characters of its own size that takes two
// lines or more ("每年运行费用" one character per line), and an amount, a
// date or a phone number broken across lines. It returns the
// problems as strings; none is what the tests want.
(function () {
  var problems = [];
  var W = window.innerWidth;
  var se = document.scrollingElement;
  if (se.scrollWidth > W) problems.push('the page is ' + se.scrollWidth + ' px wide in a ' + W + ' px window');
  function shown(el) {
    for (var e = el; e && e !== document.body; e = e.parentElement) {
      var cs = getComputedStyle(e);
      if (cs.display === 'none' || cs.visibility === 'hidden') return false;
      if (e.tagName === 'DETAILS' && !e.open && el !== e && !(el.closest('summary') && el.closest('details') === e)) return false;
    }
    return true;
  }
  function name(el) {
    return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '');
  }
  var controls = { INPUT: 1, TEXTAREA: 1, SELECT: 1, CANVAS: 1, IMG: 1, OPTION: 1 };
  Array.prototype.forEach.call(document.body.querySelectorAll('*'), function (el) {
    if (el.tagName === 'SCRIPT' || !shown(el)) return;
    var r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return;
    var cs = getComputedStyle(el);
    if (!controls[el.tagName] && cs.display !== 'inline' && el.scrollWidth > el.clientWidth + 1) {
      problems.push(name(el) + ' "' + el.textContent.trim().slice(0, 20) + '" does not fit: ' + el.scrollWidth + ' px of content in ' + el.clientWidth + ' px' +
        (/auto|scroll/.test(cs.overflowX) ? ' (it scrolls sideways)' : ''));
    }
    if (r.right > W + 1) {
      problems.push(name(el) + ' ends at ' + Math.round(r.right) + ' px, past the ' + W + ' px window');
    }
    // what is kept on one line (an amount, a date, a phone number) is not
    // broken across two
    if ((cs.whiteSpace === 'nowrap' || el.matches('a[href^="tel:"]')) && el.getClientRects().length > 1) {
      problems.push(name(el) + ' "' + el.textContent.trim().slice(0, 20) + '" is broken across lines');
    }
    var texts = Array.prototype.filter.call(el.childNodes, function (n) { return n.nodeType === 3 && n.textContent.trim().length >= 2; });
    if (!texts.length) return;
    var fs = parseFloat(cs.fontSize), tops = {};
    texts.forEach(function (n) {
      var range = document.createRange();
      range.selectNodeContents(n);
      Array.prototype.forEach.call(range.getClientRects(), function (q) { if (q.width > 0) tops[Math.round(q.top)] = true; });
    });
    var lines = Object.keys(tops).length;
    if (lines >= 2 && r.width < 3 * fs) {
      problems.push(name(el) + ' "' + el.textContent.trim().slice(0, 20) + '" is squeezed: ' + Math.round(r.width) + ' px wide at ' + fs + ' px type, on ' + lines + ' lines');
    }
  });
  return problems;
})()
