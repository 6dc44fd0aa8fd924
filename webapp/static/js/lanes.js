// The lane form (admin/lanes.html): the variable name matters only for the selectors that read a
// variable, so its field shows only then (or while it holds an error).
(function () {
  const kind = document.getElementById('selector_kind');
  const box = document.getElementById('selector-variable');
  if (!kind || !box) return;
  const variableKinds = JSON.parse(box.dataset.variableKinds || '[]');
  const sync = () => { box.hidden = !variableKinds.includes(kind.value) && !box.querySelector('.field-error'); };
  kind.addEventListener('change', sync);
  sync();
}());
