import { up } from '../util.mjs';
import { sib } from './sib.mjs';
export function run() { return up + sib; }
