// ONNX Runtime side of the peer benchmark: one process, one configuration.
// Reads the same preprocessed input file as `aimc bench --input-file` (raw
// float32, [batch, 3, 224, 224]) and prints one JSON line with images/s,
// latency percentiles and the peak RSS of this process.
'use strict';
const fs = require('node:fs');
const ort = require('onnxruntime-node');

function args() {
  const out = {iterations: 20};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const k of ['model', 'input', 'batch', 'threads']) {
    if (out[k] === undefined) {
      console.error(`ort_bench: --${k} is required`);
      process.exit(2);
    }
  }
  return out;
}

async function main() {
  const a = args();
  const batch = Number(a.batch), threads = Number(a.threads), iterations = Number(a.iterations);
  const bytes = fs.readFileSync(a.input);
  const want = batch * 3 * 224 * 224 * 4;
  if (bytes.length !== want) {
    console.error(`ort_bench: ${a.input} has ${bytes.length} bytes, expected ${want}`);
    process.exit(2);
  }
  const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  // Same thread count as aimc: intra-op threads only, sequential graph.
  const session = await ort.InferenceSession.create(a.model, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const feeds = {[session.inputNames[0]]: new ort.Tensor('float32', data, [batch, 3, 224, 224])};
  await session.run(feeds);  // warm-up
  const ms = [];
  for (let i = 0; i < iterations; ++i) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const total = ms.reduce((s, v) => s + v, 0);
  ms.sort((x, y) => x - y);
  const pct = (p) => ms[Math.min(ms.length - 1, Math.round(p * (ms.length - 1)))];
  console.log(JSON.stringify({
    engine: 'ort',
    version: ort.env.versions ? ort.env.versions.common : 'unknown',
    batch, threads, iterations,
    images_per_second: batch * iterations / (total / 1000),
    latency_ms_p50: pct(0.5),
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
  }));
}

main().catch((e) => {
  console.error(`ort_bench: ${e.message}`);
  process.exit(2);
});
