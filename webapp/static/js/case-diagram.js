// The case page's diagram: the case's own definition version in bpmn-js's NavigatedViewer,
// finished steps marked green (step-done) and waiting steps outlined red (step-current).
// A recruitment diagram is too wide to read when fitted, so it opens at reading size centred on
// the current step; "显示全图" fits it, "定位当前环节" comes back.
(function () {
  const container = document.getElementById('case-diagram');
  if (!container) return;
  const status = document.getElementById('diagram-status');
  const show = (text) => { status.textContent = text; status.hidden = !text; };

  if (typeof window.BpmnJS === 'undefined') {
    show(container.dataset.missing);
    return;
  }
  const viewer = new window.BpmnJS({ container });
  const done = JSON.parse(container.dataset.done || '[]');
  const current = JSON.parse(container.dataset.current || '[]');

  const present = (ids) => ids.map((id) => viewer.get('elementRegistry').get(id)).filter(Boolean);
  const mark = (ids, cls) => {
    // steps inside a called process are not drawn in this diagram: skip them
    for (const element of present(ids)) viewer.get('canvas').addMarker(element.id, cls);
  };
  const fit = () => viewer.get('canvas').zoom('fit-viewport', 'auto');
  const focus = () => {
    // Nothing marked (a definition shown outside a case): open readable at the start event.
    const target = present(current)[0] || present(done).slice(-1)[0]
      || viewer.get('elementRegistry').filter((e) => e.type === 'bpmn:StartEvent')[0];
    if (!target) return fit();
    const canvas = viewer.get('canvas');
    canvas.zoom(container.clientWidth < 600 ? 0.7 : 1);
    const box = canvas.viewbox();
    // the step a third from the left (what led to it shows, what follows too), never past the diagram's edge
    const margin = 20;
    canvas.viewbox({
      x: Math.max(box.inner.x - margin, target.x + target.width / 2 - box.width / 3),
      y: Math.max(box.inner.y - margin, target.y + target.height / 2 - box.height / 2),
      width: box.width,
      height: box.height,
    });
  };

  fetch(container.dataset.xmlUrl, { credentials: 'same-origin' })
    .then((response) => {
      if (!response.ok) throw new Error('HTTP ' + response.status);
      return response.text();
    })
    .then((xml) => viewer.importXML(xml))
    .then(() => {
      mark(done, 'step-done');
      mark(current, 'step-current');
      focus();
      show('');
    })
    .catch((err) => show(container.dataset.failed + err.message));

  document.addEventListener('click', (event) => {
    const button = event.target.closest('[data-diagram]');
    if (!button) return;
    if (button.dataset.diagram === 'fit') fit(); else focus();
  });
})();
