#!/usr/bin/env node
// The `payme-till` command: runs the TypeScript CLI through tsx's loader (the till ships as source).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/payme-till.ts');
