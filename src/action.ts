/**
 * The bundle both steps load (dist/action.js). It runs nothing itself: each step's entry
 * (index.ts, post-index.ts) imports it and calls its own function, so the two share one copy of
 * the code and a post step still never runs main's work.
 */
export { runMain } from './main.js';
export { runPost } from './post.js';
