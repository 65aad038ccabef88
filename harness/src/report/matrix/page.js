(function () {
  var q = document.getElementById('filter');
  var only = document.getElementById('only');
  var shown = document.getElementById('shown');
  var rows = Array.prototype.slice.call(document.querySelectorAll('#cases tr.case'));
  var groups = Array.prototype.slice.call(document.querySelectorAll('#cases tbody'));
  // The table's header sticks just below the (also sticky) filter bar.
  document.documentElement.style.setProperty('--controls-height',
    document.querySelector('.controls').offsetHeight + 'px');
  function apply() {
    var needle = q.value.trim().toLowerCase(), n = 0;
    rows.forEach(function (r) {
      var ok = (!needle || r.getAttribute('data-case').toLowerCase().indexOf(needle) >= 0) &&
               (!only.checked || r.getAttribute('data-interop') === '0');
      r.hidden = !ok;
      if (ok) n++;
    });
    groups.forEach(function (g) {
      var head = g.querySelector('tr.area');
      if (head) head.hidden = !g.querySelector('tr.case:not([hidden])');
    });
    shown.textContent = n + ' of ' + rows.length + ' cases shown';
  }
  function remember() {
    var p = new URLSearchParams();
    if (q.value) p.set('q', q.value);
    if (only.checked) p.set('only', '1');
    var h = p.toString();
    history.replaceState(null, '', h ? '#' + h : location.pathname + location.search);
  }
  var params = new URLSearchParams(location.hash.slice(1));
  if (params.has('q')) q.value = params.get('q');
  if (params.get('only') === '1') only.checked = true;
  q.addEventListener('input', function () { apply(); remember(); });
  only.addEventListener('change', function () { apply(); remember(); });
  document.addEventListener('toggle', function (e) {
    var d = e.target;
    if (!d.open || !d.classList || !d.classList.contains('cell')) return;
    document.querySelectorAll('details.cell[open]').forEach(function (o) { if (o !== d) o.open = false; });
  }, true);
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') document.querySelectorAll('details.cell[open]').forEach(function (o) { o.open = false; });
  });
  apply();
  // No scrolling here: the cell's panel is fixed to the window, and it links to its row.
  var open = params.get('open') && document.getElementById(params.get('open'));
  if (open) open.open = true;
})();
