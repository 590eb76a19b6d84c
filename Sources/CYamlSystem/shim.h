// Debian's libyaml (libyaml-dev), under the module name Yams gives its vendored copy, so the same
// `import CYaml` builds against either (see Package.swift: UNDERSTUDY_SYSTEM_LIBYAML).
#include <yaml.h>
