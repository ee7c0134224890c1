export const name = 'imported';
