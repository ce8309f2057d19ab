/// A small deterministic random number generator for the differential tests of both test
/// targets, so that a failure can be replayed from its seed.
public struct SeededRandom: RandomNumberGenerator {
  public var state: UInt64

  public init(state: UInt64) { self.state = state }

  public mutating func next() -> UInt64 {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return state ^ (state >> 29)
  }
}
