export const sib = 'sib';
