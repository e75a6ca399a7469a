import { build } from './build';
import { REPO_ROOT } from './processes';

/** `npm run build`: see build(). */
const started = Date.now();
const { files } = build(REPO_ROOT);
console.log(`built ${files} files into build/ in ${((Date.now() - started) / 1000).toFixed(1)} s; production: cd build && npm ci --omit=dev && npm run gateway`);
