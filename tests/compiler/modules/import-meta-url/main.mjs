// import.meta: one object per file, null prototype, url a file: URL ending in the file's name
import { meta as libMeta } from './lib/util.mjs';
console.log(typeof import.meta, Object.getPrototypeOf(import.meta) === null);
console.log(import.meta === import.meta, import.meta !== libMeta);
console.log(import.meta.url.startsWith('file:///'), import.meta.url.endsWith('/main.mjs'));
console.log(libMeta.url.endsWith('/lib/util.mjs'));
const u = new URL('./lib/data.json', import.meta.url);
console.log(u.protocol, u.pathname.endsWith('/lib/data.json'));
import.meta.custom = 42;
console.log(import.meta.custom);
