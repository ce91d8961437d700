/** Component tests: unmount after each test so screens and their timers do not leak. */
import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/react';

afterEach(() => {
  cleanup();
});
