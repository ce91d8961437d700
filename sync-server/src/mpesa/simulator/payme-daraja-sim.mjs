#!/usr/bin/env node
// `payme-daraja-sim`: runs the TypeScript CLI through tsx's loader (the server ships as source).
import { register } from 'tsx/esm/api';

register();
await import('./cli.ts');
