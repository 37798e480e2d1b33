import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS } from '../../bin/commands.js';
import { packageRoot } from '../../sim/trace/bundled.js';
// Where a command's file may live, by layer: the file name is the name users type (bin/commands.ts).
const COMMAND_FOLDERS = ['sim/cli/commands', 'calibrate/cli', 'bin'];
test('every command in the table loads, calls itself by its key, and lives in a file of that name', async () => {
    for (const [name, load] of Object.entries(COMMANDS)) {
        const command = await load();
        assert.equal(command.name, name);
        const files = COMMAND_FOLDERS.map((dir) => join(packageRoot(), dir, `${name}.ts`)).filter((f) => existsSync(f));
        assert.equal(files.length, 1, `${name}: expected one file among ${COMMAND_FOLDERS.join(', ')}, found ${files.length}`);
    }
});
