import { Buffer } from 'node:buffer';
export const Again = Buffer;
