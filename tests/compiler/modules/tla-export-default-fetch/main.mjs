// the shape of an edge function whose module sets up before serving
import { loadConfig } from './config.mjs';
const config = await loadConfig();
console.log('config', config.greeting);
export default {
  async fetch(request) {
    return new Response(config.greeting);
  },
};
