import { value } from '../lazy.mjs';
export const where = 'deep sees ' + value;
