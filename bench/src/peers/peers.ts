/*
 * The IPC figures' JavaScript peers: the same ping-pong (one small message each way, the next sent
 * when the answer arrives) between the main thread and a worker over a MessageChannel, and between
 * this process and a child Node process over OS pipes (its stdin and stdout).
 */
import { spawn } from 'node:child_process';
import { MessageChannel, Worker } from 'node:worker_threads';
import { median } from '../figure.js';

const ECHO_WORKER = `
const { parentPort } = require('node:worker_threads');
parentPort.once('message', (port) => { port.on('message', (v) => port.postMessage(v + 1)); });
`;

/** Round trips per second through a MessageChannel to a worker (median of `runs`). */
export async function messageChannelRtPerS(n = 50_000, runs = 5): Promise<number> {
  const worker = new Worker(ECHO_WORKER, { eval: true });
  const { port1, port2 } = new MessageChannel();
  worker.postMessage(port2, [port2]);
  const run = (count: number) =>
    new Promise<number>((resolve) => {
      let i = 0;
      const t0 = process.hrtime.bigint();
      port1.on('message', function onMessage() {
        if (++i < count) port1.postMessage(i);
        else {
          port1.off('message', onMessage);
          resolve(Number(process.hrtime.bigint() - t0));
        }
      });
      port1.postMessage(0);
    });
  await run(5_000);
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) samples.push((n * 1e9) / (await run(n)));
  port1.close();
  await worker.terminate();
  return median(samples);
}

const ECHO_PROCESS = `process.stdin.on('data', (b) => process.stdout.write(b));`;

/** Round trips per second of 8-byte messages to a child process over pipes (median of `runs`). */
export async function pipeRtPerS(n = 20_000, runs = 5): Promise<number> {
  const child = spawn(process.execPath, ['-e', ECHO_PROCESS], { stdio: ['pipe', 'pipe', 'inherit'] });
  const msg = Buffer.alloc(8);
  const run = (count: number) =>
    new Promise<number>((resolve) => {
      let got = 0;
      let i = 0;
      const t0 = process.hrtime.bigint();
      const onData = (b: Buffer) => {
        got += b.length;
        while (got >= 8) {
          got -= 8;
          if (++i < count) child.stdin.write(msg);
          else {
            child.stdout.off('data', onData);
            resolve(Number(process.hrtime.bigint() - t0));
            return;
          }
        }
      };
      child.stdout.on('data', onData);
      child.stdin.write(msg);
    });
  await run(2_000);
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) samples.push((n * 1e9) / (await run(n)));
  child.stdin.end();
  child.kill();
  return median(samples);
}
