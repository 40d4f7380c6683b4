// fuzz_image only: compiles Debian's stb_image.h implementation into the fuzz
// executable, so that the decoder itself is instrumented (coverage feedback,
// ASan/UBSan checks). Its definitions take precedence over the uninstrumented
// libstb.so that aimc_models links; the code is the same header version.
//
// One difference: images wider or taller than 2048 pixels are refused (as
// stb's "too large"), where the product accepts up to 10^8 pixels. stb
// decodes a truncated BMP or JPEG as if padded with zeros, so a 150-byte
// file can make it fill 60 Mpixel, seconds per input under ASan; the fuzzer
// would spend its time there (and hit its 10 s timeout). The product's own
// pixel-limit checks for larger headers are still exercised: the PNG one
// runs before stb, the others see stb's refusal.
#define STBI_MAX_DIMENSIONS 2048
#define STB_IMAGE_IMPLEMENTATION
#include <stb_image.h>
