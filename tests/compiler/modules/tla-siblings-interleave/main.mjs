// two files awaiting at once: their steps interleave, and the importer waits for both
import './x.mjs';
import './y.mjs';
import { z } from './z.mjs';
console.log('main', z);
