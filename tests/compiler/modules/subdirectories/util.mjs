export const up = 'up-';
