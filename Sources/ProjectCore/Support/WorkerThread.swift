#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// A POSIX thread running one closure; `join()` waits for it to end.
///
/// Used to overlap reading and checking records with writing them: on two cores an import then
/// costs the slower of the two, not their sum.
public final class WorkerThread {
  final class Body {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
  }

  var thread = pthread_t()
  var joined = false

  public init(_ body: @escaping () -> Void) {
    let context = Unmanaged.passRetained(Body(body)).toOpaque()
    let created = pthread_create(
      &thread, nil,
      { raw in
        guard let raw else { return nil }
        let body = Unmanaged<Body>.fromOpaque(raw).takeRetainedValue()
        body.run()
        return nil
      }, context)
    if created != 0 {
      // No thread to be had: run the work here, before returning.
      Unmanaged<Body>.fromOpaque(context).takeRetainedValue().run()
      joined = true
    }
  }

  public func join() {
    guard !joined else { return }
    joined = true
    pthread_join(thread, nil)
  }

  deinit { join() }
}
