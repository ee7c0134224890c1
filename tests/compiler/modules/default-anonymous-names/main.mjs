import K from './k.mjs';
import A from './a.mjs';
console.log(K.name, K.x, A.name);
