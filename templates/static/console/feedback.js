// 意见/问卷: residents' complaints with the worker's answer and 办结, and
// questionnaires (sent, their links, their results).
import { api, el, $, val, base, projectID, on, emit, say, fail, ask, bars, table, openPDF } from './api.js';
import { slip } from './paper.js';

function loadFeedback() {
  return api('GET', base + '/feedback').then((fs) => {
    const box = $('wk-feedback'); box.textContent = '';
    if (!fs.length) box.appendChild(el('p', { class: 'muted', text: '还没有居民意见。' }));
    fs.forEach((f) => {
      const said = el('p', { text: '【' + f.category + '】' + (f.anonymous ? '匿名' : f.room) + '：' + f.text + ' ' });
      if (f.has_photo) said.appendChild(el('a', { href: base + '/photos/feedback/' + f.id, target: '_blank', class: 'photo-link', text: '照片' }));
      const item = el('div', { class: 'fb-item', 'data-id': f.id }, [said]);
      if (f.answer) item.appendChild(el('p', { class: 'answer', text: '已答复：' + f.answer }));
      if (f.closed_at) item.appendChild(el('p', { class: 'muted', text: '已办结' + (f.rating ? '，评价：' + f.rating : '') }));
      else {
        const text = el('input', { class: 'fb-answer', 'aria-label': '答复', placeholder: '写下答复' });
        const send = el('button', { type: 'button', class: 'fb-answer-send', text: '答复' });
        const close = el('button', { type: 'button', class: 'secondary fb-close', text: '办结' });
        send.addEventListener('click', () => {
          api('POST', base + '/feedback/' + f.id + '/answer', { text: text.value }).then(() => {
            loadFeedback().then(() => say(itemOf(f.id).querySelector('p'), '已答复')); emit('feedback-changed');
          }, fail(send));
        });
        close.addEventListener('click', () => {
          if (!ask('办结这条意见（' + f.category + '）？办结后不能再答复，住户可以对处理结果评价。')) return;
          api('POST', base + '/feedback/' + f.id + '/close').then(() => {
            loadFeedback().then(() => say(itemOf(f.id).querySelector('p'), '已办结')); emit('feedback-changed');
          }, fail(close));
        });
        item.appendChild(el('div', { class: 'row' }, [text, send, close]));
      }
      box.appendChild(item);
    });
  }, fail($('wk-feedback')));
}
function itemOf(id) { return document.querySelector('.fb-item[data-id="' + id + '"]'); }

// ---- questionnaires
function deadlineValue(x) { return val(x).replace('T', ' '); }
let standard = []; // the standard questions, loaded at init
function create() {
  const btn = $('s-create');
  const items = Array.prototype.map.call(document.querySelectorAll('.s-item:checked'), (i) => i.value)
    .concat(val('s-extra').split(/[,，、]/).map((x) => x.trim()).filter(Boolean))
    .filter((v, i, a) => a.indexOf(v) === i);
  // the wordings are the server's (GET /api/v1/survey/questions)
  const std = (kind) => Object.assign({}, standard.find((q) => q.kind === kind));
  const qs = [];
  if (items.length) qs.push(Object.assign(std('choose_k'), { k: Math.min(parseInt(val('s-k'), 10) || std('choose_k').k, items.length), items: items }));
  if ($('s-rank').checked && items.length > 1) qs.push(Object.assign(std('rank'), { items: items }));
  if ($('s-rating').checked) qs.push(std('rating'));
  if ($('s-text').checked) qs.push(std('text'));
  const others = Array.prototype.map.call(document.querySelectorAll('.s-project:checked'), (i) => parseInt(i.value, 10));
  const body = { title: val('s-title'), deadline: deadlineValue('s-deadline'), questions: qs };
  if (!ask('发出问卷“' + (body.title || '（未填标题）') + '”给每一户？发出后题目不能修改。')) return;
  const sent = others.length
    ? api('POST', '/api/v1/questionnaires', Object.assign(body, { projects: [parseInt(projectID, 10)].concat(others) })).then((r) => r.questionnaires)
    : api('POST', base + '/questionnaires', body).then((r) => [r]);
  sent.then((list) => {
    const out = $('s-links'); out.textContent = '';
    list.forEach((r) => {
      if (list.length > 1) out.appendChild(el('h4', { text: '项目 ' + r.questionnaire.project }));
      out.appendChild(el('div', { class: 'slips' }, r.links.map((l) => slip(l, '请用手机扫码（或打开链接）填写问卷“' + r.questionnaire.title + '”', r.questionnaire.deadline))));
    });
    const mine = list.filter((r) => String(r.questionnaire.project) === String(projectID))[0];
    say(btn, '问卷已发出，下面是各户的领取条');
    loadSurveys(mine.questionnaire.id);
  }, fail(btn));
}
function loadSurveys(select) {
  return api('GET', base + '/questionnaires').then((qs) => {
    const s = $('s-list'); s.textContent = '';
    qs.forEach((q) => s.appendChild(el('option', { value: q.id, text: q.title + (q.open ? '' : '（已结束）'), 'data-open': q.open ? '1' : '' })));
    if (select) s.value = select;
    if (qs.length) results();
  }, fail($('s-list')));
}
function choose(q) { return bars(q.items.map((x) => x.item), [{ values: q.items.map((x) => parseFloat(x.share)) }], (v) => v.toFixed(2) + '%'); }
function results() {
  const qid = $('s-list').value; if (!qid) return;
  $('s-pdf').href = base + '/questionnaires/' + qid + '/results.pdf';
  // a questionnaire's slips print again while it is open
  $('s-slips').href = base + '/questionnaires/' + qid + '/slips.pdf';
  $('s-slips').hidden = !$('s-list').selectedOptions[0].getAttribute('data-open');
  api('GET', base + '/questionnaires/' + qid + '/results').then((r) => {
    const out = $('s-results'); out.textContent = '';
    out.appendChild(el('p', { id: 's-rate', text: '回收 ' + r.answered + ' / ' + r.households + ' 户（' + r.response_rate + '%）' }));
    const questions = r.questionnaire.questions;
    r.result.questions.forEach((q, i) => {
      out.appendChild(el('h3', { text: '第' + (i + 1) + '题 ' + (questions[i].text || q.id) + '（作答 ' + q.respondents + ' 户）' }));
      if (q.kind === 'choose_k') out.appendChild(choose(q));
      if (q.kind === 'rank') out.appendChild(bars(q.items.map((x) => x.item), [{ values: q.items.map((x) => x.borda) }], (v) => v + ' 分'));
      if (q.kind === 'rating') {
        out.appendChild(el('p', { text: '平均 ' + q.mean + ' 分，满意率 ' + q.satisfied_share + '%（' + q.respondents + ' 人评分）' }));
        out.appendChild(bars(['5', '4', '3', '2', '1'].map((s) => s + ' 分'), [{ values: ['5', '4', '3', '2', '1'].map((s) => q.distribution[s]) }], (v) => v + ' 户'));
      }
      if (q.kind === 'single') out.appendChild(bars(q.options.map((x) => x.option), [{ values: q.options.map((x) => parseFloat(x.share)) }], (v) => v.toFixed(2) + '%'));
      if (q.kind === 'text') out.appendChild(el('ul', {}, r.texts.filter((t) => t.question === q.id).map((t) => el('li', { text: t.room + '：' + t.text }))));
    });
    if (r.group) {
      out.appendChild(el('h3', { text: '全小区 ' + r.group.projects + ' 个项目合计：回收 ' + r.group.answered + ' / ' + r.group.households + ' 户（' + r.group.response_rate + '%）' }));
      r.group.result.questions.forEach((q, i) => {
        if (q.kind === 'choose_k') out.appendChild(choose(q));
        if (q.kind === 'rating') out.appendChild(el('p', { text: '第' + (i + 1) + '题：平均 ' + q.mean + ' 分，满意率 ' + q.satisfied_share + '%' }));
      });
    }
    if (r.by_floor.length) {
      out.appendChild(el('h3', { text: '分楼层（第1题前三项）' }));
      out.appendChild(table(['楼层', '作答', '前三项'], r.by_floor.map((f) => {
        const q1 = f.result.questions[0];
        const top = q1 && q1.items && q1.kind === 'choose_k' ? q1.items.slice(0, 3).map((x) => x.item + ' ' + x.share + '%').join('，') : '';
        return [f.floor, f.result.households, top];
      })));
    }
  }, fail($('s-refresh')));
}

export function init() {
  const soon = new Date(Date.now() + 14 * 86400000);
  $('s-deadline').value = new Date(soon.getTime() + 8 * 3600000).toISOString().slice(0, 10) + 'T17:00';
  api('GET', '/api/v1/survey/questions').then((qs) => { standard = qs; }, fail($('s-presets')));
  api('GET', '/api/v1/survey/presets').then((ps) => {
    const box = $('s-presets');
    ps.forEach((p) => box.appendChild(el('fieldset', { class: 'preset' }, [el('legend', { text: p.category + '（' + p.note + '）' })].concat(p.items.map((it) =>
      el('label', { class: 'inline' }, [el('input', { type: 'checkbox', value: it, class: 's-item' }), ' ' + it]))))));
  }, fail($('s-presets')));
  api('GET', '/api/v1/projects').then((ps) => {
    const others = ps.filter((p) => String(p.id) !== String(projectID));
    if (!others.length) return;
    $('s-projects').appendChild(el('fieldset', { class: 'preset' }, [el('legend', { text: '同时发给本小区的其他项目（结果合并统计）' })].concat(others.map((p) =>
      el('label', { class: 'inline' }, [el('input', { type: 'checkbox', value: p.id, class: 's-project' }), ' ' + p.name])))));
  }, () => {});
  $('s-create').addEventListener('click', create);
  $('s-slips').addEventListener('click', openPDF);
  $('s-list').addEventListener('change', results);
  $('s-refresh').addEventListener('click', results);
  $('s-close').addEventListener('click', function () {
    const btn = this;
    if (!ask('结束这份问卷？结束后住户不能再作答。')) return;
    api('POST', base + '/questionnaires/' + $('s-list').value + '/close').then(() => { say(btn, '问卷已结束'); loadSurveys($('s-list').value); }, fail(btn));
  });
  // satisfaction is asked about works that happened, not before
  on('works', (w) => {
    const started = w.stages.some((s) => !!s.actual);
    $('s-rating').disabled = !started; if (!started) $('s-rating').checked = false;
    $('s-rating-note').textContent = started ? '' : '（施工开始后才能问满意度）';
  });
  let first = true;
  on('project', () => { if (first) { first = false; loadFeedback(); loadSurveys(); } });
}
