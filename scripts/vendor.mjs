// Copy the prebuilt front-end files PartyFlow serves into webapp/static/vendor/ (git-ignored).
// Run after `npm ci`:  node scripts/vendor.mjs   (no bundler; the files are plain <script>/<link>).
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'webapp', 'static', 'vendor');
const bpmnDist = join(root, 'node_modules', 'bpmn-js', 'dist');

const files = [
  // the read-only diagram with pan and zoom, shown on the case page
  ['bpmn-navigated-viewer.production.min.js', 'bpmn-js/bpmn-navigated-viewer.production.min.js'],
];

rmSync(join(out, 'bpmn-js'), { recursive: true, force: true });
mkdirSync(join(out, 'bpmn-js'), { recursive: true });
for (const [from, to] of files) {
  cpSync(join(bpmnDist, from), join(out, to));
}
// diagram-js.css, bpmn-js.css and the bpmn-font tree (keep its layout: the CSS loads ../font/*)
cpSync(join(bpmnDist, 'assets'), join(out, 'bpmn-js', 'assets'), { recursive: true });
console.log(`vendored bpmn-js into ${out}/bpmn-js`);
