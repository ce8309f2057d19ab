#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// A first-in first-out queue of bounded size between one producer and one consumer thread.
/// `push` waits while it is full, so memory stays flat however much flows through.
public final class BoundedQueue<Element>: @unchecked Sendable {
  var mutex = pthread_mutex_t()
  var changed = pthread_cond_t()
  var items: [Element] = []
  let capacity: Int
  var finished = false
  var cancelled = false

  public init(capacity: Int) {
    self.capacity = capacity
    pthread_mutex_init(&mutex, nil)
    pthread_cond_init(&changed, nil)
  }

  deinit {
    pthread_cond_destroy(&changed)
    pthread_mutex_destroy(&mutex)
  }

  /// Adds an element, waiting for room; false when the consumer has cancelled.
  @discardableResult
  public func push(_ element: Element) -> Bool {
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    while items.count >= capacity && !cancelled { pthread_cond_wait(&changed, &mutex) }
    if cancelled { return false }
    items.append(element)
    pthread_cond_broadcast(&changed)
    return true
  }

  /// The next element, waiting for one; nil once the producer has finished and all are taken.
  public func pop() -> Element? {
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    while items.isEmpty && !finished { pthread_cond_wait(&changed, &mutex) }
    guard !items.isEmpty else { return nil }
    // The queue holds a few elements at most: removing from the front is cheap, and nothing
    // taken stays referenced.
    let element = items.removeFirst()
    pthread_cond_broadcast(&changed)
    return element
  }

  /// The producer is done; `pop` returns nil once the queue is empty.
  public func finish() {
    pthread_mutex_lock(&mutex)
    finished = true
    pthread_cond_broadcast(&changed)
    pthread_mutex_unlock(&mutex)
  }

  /// The consumer stops taking elements; a waiting or later `push` returns false.
  public func cancel() {
    pthread_mutex_lock(&mutex)
    cancelled = true
    pthread_cond_broadcast(&changed)
    pthread_mutex_unlock(&mutex)
  }
}
