import { run } from './lib/run.mjs';
console.log(run());
