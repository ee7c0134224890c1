import { left } from './left.mjs';
import { right } from './right.mjs';
import { hits } from './shared.mjs';
console.log(left, right, hits);
