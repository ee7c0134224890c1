import { phase } from './main.mjs';
export const back = 'other sees ' + phase;
