/**
 * The report's only script: filters (layer, severity, rule, path search), heat map cells as
 * filter shortcuts, and keyboard navigation. It reads data-* attributes and never builds HTML, so
 * no scanned text ever passes through it as markup.
 */
export const SCRIPT = `
(function () {
  'use strict';
  // on paper every grouped entry is shown open
  window.addEventListener('beforeprint', function () {
    Array.prototype.forEach.call(document.querySelectorAll('details.group'), function (group) { group.open = true; });
  });
  var form = document.getElementById('filters');
  if (!form) return;
  form.hidden = false;
  var keys = document.getElementById('keys');
  if (keys) keys.hidden = false;
  var search = document.getElementById('filter-path');
  var layer = document.getElementById('filter-layer');
  var severity = document.getElementById('filter-severity');
  var rule = document.getElementById('filter-rule');
  var status = document.getElementById('filter-status');
  var noMatch = document.getElementById('no-match');
  var findings = Array.prototype.slice.call(document.querySelectorAll('article.finding'));
  var groups = Array.prototype.slice.call(document.querySelectorAll('section.file, section.layer'));
  var cells = Array.prototype.slice.call(document.querySelectorAll('button.heat-cell'));

  function matches(finding, query) {
    var data = finding.dataset;
    return (query === '' || data.path.toLowerCase().indexOf(query) !== -1)
      && (layer.value === '' || data.layer === layer.value)
      && (severity.value === '' || data.severity === severity.value)
      && (rule.value === '' || data.rule === rule.value);
  }

  // each finding's file and layer sections, looked up once; counting visible rows per section is then a map update
  var owners = findings.map(function (finding) {
    return [finding.closest('section.file'), finding.closest('section.layer')];
  });
  var counters = groups.map(function (group) {
    return group.querySelector(':scope > h2 > .count, :scope > h3 > .count');
  });

  function apply() {
    var query = search.value.trim().toLowerCase();
    var shown = 0;
    var visibleIn = new Map();
    findings.forEach(function (finding, index) {
      var visible = matches(finding, query);
      if (finding.hidden === visible) finding.hidden = !visible;
      if (!visible) return;
      shown += 1;
      owners[index].forEach(function (owner) { visibleIn.set(owner, (visibleIn.get(owner) || 0) + 1); });
    });
    groups.forEach(function (group, index) {
      var visible = visibleIn.get(group) || 0;
      if (group.hidden !== (visible === 0)) group.hidden = visible === 0;
      var count = counters[index];
      if (count && count.textContent !== String(visible)) count.textContent = String(visible);
    });
    cells.forEach(function (cell) {
      var pressed = layer.value === cell.dataset.layer && severity.value === cell.dataset.severity;
      cell.setAttribute('aria-pressed', pressed ? 'true' : 'false');
    });
    status.textContent = shown === findings.length
      ? 'Showing all ' + shown + ' finding' + (shown === 1 ? '' : 's')
      : 'Showing ' + shown + ' of ' + findings.length + ' findings';
    if (noMatch) noMatch.hidden = shown !== 0 || findings.length === 0;
  }

  form.addEventListener('input', apply);
  form.addEventListener('change', apply);
  form.addEventListener('submit', function (event) { event.preventDefault(); });
  form.addEventListener('reset', function () { setTimeout(apply, 0); });

  cells.forEach(function (cell) {
    cell.addEventListener('click', function () {
      var again = cell.getAttribute('aria-pressed') === 'true';
      layer.value = again ? '' : cell.dataset.layer;
      severity.value = again ? '' : cell.dataset.severity;
      apply();
    });
  });

  function visibleFindings() {
    return findings.filter(function (finding) { return !finding.hidden && finding.offsetParent !== null; });
  }

  function move(step) {
    var list = visibleFindings();
    if (list.length === 0) return;
    var current = list.indexOf(document.activeElement);
    var next = current === -1 ? (step > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, current + step));
    list[next].focus();
  }

  document.addEventListener('keydown', function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    var typing = target && (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA');
    if (event.key === 'Escape' && target === search) {
      search.value = '';
      apply();
      return;
    }
    if (typing) return;
    if (event.key === '/') { event.preventDefault(); search.focus(); search.select(); }
    else if (event.key === 'j') { event.preventDefault(); move(1); }
    else if (event.key === 'k') { event.preventDefault(); move(-1); }
  });

  apply();
})();
`;
