// Rates are typed as percentages and sent as the API's ratios, moved two
// places by string arithmetic: "12.5" → "0.125" exactly, no float between.
const number = /^(\d+)(?:\.(\d+))?$/;

function trimmed(whole, frac) {
  whole = whole.replace(/^0+(?=\d)/, '');
  frac = frac.replace(/0+$/, '');
  return frac ? whole + '.' + frac : whole;
}

// toRatio is the ratio of a percentage ("30", "12.5", "30%"); "" when
// empty, null when it is not a number.
export function toRatio(text) {
  const s = String(text == null ? '' : text).trim().replace(/[%％]$/, '').trim();
  if (s === '') return '';
  const m = number.exec(s);
  if (!m) return null;
  const whole = m[1].padStart(3, '0');
  return trimmed(whole.slice(0, -2), whole.slice(-2) + (m[2] || ''));
}

// toPercent is the percentage of a ratio the API gives ("0.125" → "12.5").
export function toPercent(ratio) {
  const m = number.exec(String(ratio == null ? '' : ratio).trim());
  if (!m) return ratio == null ? '' : String(ratio);
  const frac = (m[2] || '').padEnd(2, '0');
  return trimmed(m[1] + frac.slice(0, 2), frac.slice(2));
}
