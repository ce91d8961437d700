import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('./payme-daraja-sim.mjs', import.meta.url));

describe('payme-daraja-sim', () => {
  it('listens on the port it is given, answers OAuth like Daraja and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [bin, '--port', '0', '--callback-ms', '5'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const address = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /"address":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
        if (match) resolve(match[1] as string);
      });
      child.on('exit', () => reject(new Error(`exited early: ${out}`)));
    });
    const basic = Buffer.from('key:secret').toString('base64');
    const response = await fetch(`${address}/oauth/v1/generate?grant_type=client_credentials`, { headers: { Authorization: `Basic ${basic}` } });
    expect(await response.json()).toMatchObject({ expires_in: '3599' });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses a port that is not a number, naming the option', async () => {
    const child = spawn(process.execPath, [bin, '--port', 'eighty'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(JSON.parse(err.trim())).toMatchObject({ code: 'invalid_input', field: 'port' });
  });
});
