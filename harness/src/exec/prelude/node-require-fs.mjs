import { createRequire } from 'node:module';
const fs = createRequire(import.meta.url)('node:fs');
