import { hit } from './shared.mjs';
export const left = hit('L');
