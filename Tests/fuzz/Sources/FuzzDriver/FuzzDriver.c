// The header is the whole module: LLVMFuzzerRunDriver is defined by libFuzzer (-sanitize=fuzzer).
#include "FuzzDriver.h"
