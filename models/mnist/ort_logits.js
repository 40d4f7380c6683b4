// ONNX Runtime's logits for raw float32 inputs (one [1, 28, 28] MNIST image
// per file), one JSON line per file, batch 1 and one thread: the peer of
// ort_crosscheck.py. Needs benchmarks/peer's onnxruntime-node (npm ci there).
// Usage: node models/mnist/ort_logits.js MODEL.onnx INPUT.f32...
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const ort = require(path.join(__dirname, '../../benchmarks/peer/node_modules/onnxruntime-node'));

async function main() {
  const [model, ...inputs] = process.argv.slice(2);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all'});
  for (const file of inputs) {
    const bytes = fs.readFileSync(file);
    const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    const out = await session.run({[session.inputNames[0]]: new ort.Tensor('float32', data, [1, 28, 28])});
    console.log(JSON.stringify({input: file, logits: Array.from(out[session.outputNames[0]].data)}));
  }
}

main().catch((e) => {
  console.error(`ort_logits: ${e.message}`);
  process.exit(2);
});
