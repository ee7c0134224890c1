// several files wait for the same awaiting file: they run in the order the depth-first
// evaluation met them, synchronous importers of them right after
import './left.mjs';
import './right.mjs';
import './plain.mjs';
console.log('main');
