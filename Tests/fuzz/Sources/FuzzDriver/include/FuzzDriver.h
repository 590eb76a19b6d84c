#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver, called from the executable's own main: SwiftPM links every executable with
/// `main` aliased to the module's entry point, so libFuzzer's `main` cannot be the one that runs.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
