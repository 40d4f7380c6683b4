#pragma once
// Float arithmetic that must round after each operation, as another
// runtime's separate kernels or loops do (float mode's Mul and Add kernels,
// ONNX Runtime's LSTM gate loops).

namespace aimc::int8k {

// v as a float32 in a register: the compiler may not fuse the multiply that
// made it with the add that reads it into one FMA.
inline float rounded(float v) {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
  asm("" : "+x"(v));
#else
  volatile float kept = v;
  v = kept;
#endif
  return v;
}

}  // namespace aimc::int8k
