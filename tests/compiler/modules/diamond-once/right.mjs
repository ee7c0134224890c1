import { hit } from './shared.mjs';
export const right = hit('R');
