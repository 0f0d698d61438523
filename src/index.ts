import * as core from '@actions/core';
import { runMain } from './main.js';
import { runPost } from './post.js';

// One bundle serves both `main:` and `post:`; the state the main step saved tells them apart.
const PHASE = 'phase';

if (core.getState(PHASE) === 'main') {
  await runPost();
} else {
  core.saveState(PHASE, 'main');
  await runMain();
}
