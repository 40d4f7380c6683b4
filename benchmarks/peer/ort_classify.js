// ONNX Runtime as the accuracy peer: classifies preprocessed inputs (raw
// float32 [1,3,224,224] files, written by aimc so that both runtimes see
// the same pixels) and prints one JSON line per file: its path and the
// top-5 class indices (ties toward the lower index, as aimc breaks them).
// Usage: node ort_classify.js MODEL.onnx INPUT.f32...
'use strict';
const fs = require('node:fs');
const ort = require('onnxruntime-node');

function top5(logits) {
  const idx = Array.from(logits.keys());
  idx.sort((a, b) => (logits[b] - logits[a]) || (a - b));
  return idx.slice(0, 5);
}

async function main() {
  const [model, ...inputs] = process.argv.slice(2);
  if (!model || inputs.length === 0) {
    console.error('usage: node ort_classify.js MODEL.onnx INPUT.f32...');
    process.exit(2);
  }
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 2, interOpNumThreads: 1, graphOptimizationLevel: 'all'});
  for (const path of inputs) {
    const bytes = fs.readFileSync(path);
    if (bytes.length !== 3 * 224 * 224 * 4) {
      console.error(`ort_classify: ${path} has ${bytes.length} bytes, not 3x224x224 floats`);
      process.exit(2);
    }
    const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    const feeds = {[session.inputNames[0]]: new ort.Tensor('float32', data, [1, 3, 224, 224])};
    const out = await session.run(feeds);
    console.log(JSON.stringify({input: path, top5: top5(out[session.outputNames[0]].data)}));
  }
}

main().catch((e) => {
  console.error(`ort_classify: ${e.message}`);
  process.exit(2);
});
