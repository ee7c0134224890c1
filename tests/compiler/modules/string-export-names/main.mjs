import { 'kebab-name' as kebab } from './lib.mjs';
import * as ns from './lib.mjs';
console.log(kebab, ns['kebab-name']);
