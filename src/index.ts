import { runMain } from './action.js';

// The main step's entry; the post step has its own (post-index.ts), so a post step never runs
// main's work, whatever state the main step managed to save.
await runMain();
