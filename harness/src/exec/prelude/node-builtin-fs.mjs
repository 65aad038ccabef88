const fs = process.getBuiltinModule('node:fs');
