// What the libFuzzer targets share: the check that stops with a message, the hand-over to
// libFuzzer's driver, and, in a plain build, the replay of saved inputs.
import ProjectCore

/// Stops with the message: unlike `precondition`, `fatalError` keeps its message in -O builds.
public func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
  if !condition { fatalError(message()) }
}

#if FUZZING
  @_extern(c, "LLVMFuzzerRunDriver")
  func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ body: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
  ) -> CInt

  /// Hands the process over to libFuzzer's driver, which calls `body` with each input.
  public func runFuzzer(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
    _ body: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
  ) -> CInt {
    var argc = argc
    var argv = argv
    return runFuzzerDriver(&argc, &argv, body)
  }
#else
  /// Without libFuzzer (a plain `swift build`): calls `check` with each file named on the
  /// command line, and says `ok` for each.
  public func replayFiles(_ check: ([UInt8]) -> Void) throws {
    for path in CommandLine.arguments.dropFirst() {
      guard let bytes = try FileSystem.read(path) else { fatalError("cannot read \(path)") }
      check(bytes)
      print("ok \(path)")
    }
  }
#endif
