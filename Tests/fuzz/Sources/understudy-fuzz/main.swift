#if canImport(Glibc)
import Glibc
#endif
import FuzzDriver

// understudy-fuzz TARGET [libFuzzer options] [corpus folders] (or --list): one binary for every target, so the
// sanitized build links once. The target is also read from UNDERSTUDY_FUZZ_TARGET, which is set
// here for the processes libFuzzer starts itself (-merge, -fork) with the arguments it was given.

var arguments = CommandLine.arguments
if arguments.dropFirst().first == "--list" {
    for target in FuzzTarget.all { print(target.name) }
    exit(0)
}
let named = arguments.count > 1 ? FuzzTarget.named(arguments[1]) : nil
if named != nil { arguments.remove(at: 1) }
guard let target = named ?? getenv("UNDERSTUDY_FUZZ_TARGET").flatMap({ FuzzTarget.named(String(cString: $0)) }) else {
    print("usage: understudy-fuzz TARGET [libFuzzer options] [corpus folders]\ntargets:")
    for target in FuzzTarget.all { print("  \(target.name): \(target.summary)") }
    exit(2)
}
setenv("UNDERSTUDY_FUZZ_TARGET", target.name, 1)
FuzzTarget.current = target
target.prepare()

// libFuzzer keeps the argv it is given for the whole run: C strings that are never freed.
var argc = CInt(arguments.count)
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = .allocate(capacity: arguments.count + 1)
for (i, argument) in arguments.enumerated() { argv![i] = strdup(argument) }
argv![arguments.count] = nil
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
    FuzzTarget.current?.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
})
