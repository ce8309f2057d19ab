/// The position of each id among a store file's records: open addressing over positions, ids
/// hashed with FNV-1a over their UTF-8 bytes and compared byte for byte, as SQLite compares its
/// `id` column. A `[String: Int]` hashed every id through SipHash and cost an eighth of a `list`.
struct IDTable {
  /// Per slot: the hash's high 32 bits, then position + 1 in the low 32 bits; 0 is empty.
  private var slots: [UInt64]
  private var used = 0

  init(expected: Int = 0) {
    var size = 16
    while size < expected * 2 { size <<= 1 }
    slots = Array(repeating: 0, count: size)
  }

  /// The position already holding `id`, or nil after noting `id` at `position`.
  mutating func insert(_ id: String, at position: Int, idAt: (Int) -> String) -> Int? {
    let hash = Self.hash(id)
    if let found = find(id, hash: hash, idAt: idAt) { return found }
    if (used + 1) * 2 > slots.count { grow() }
    place(hash: hash, position: position)
    used += 1
    return nil
  }

  /// The position of `id`, if noted.
  func position(of id: String, idAt: (Int) -> String) -> Int? {
    find(id, hash: Self.hash(id), idAt: idAt)
  }

  private func find(_ id: String, hash: UInt64, idAt: (Int) -> String) -> Int? {
    let mask = slots.count - 1
    var slot = Int(truncatingIfNeeded: hash) & mask
    while true {
      let entry = slots[slot]
      if entry == 0 { return nil }
      if entry >> 32 == hash >> 32 {
        let position = Int(entry & 0xFFFF_FFFF) - 1
        if ByteString(idAt(position)) == ByteString(id) { return position }
      }
      slot = (slot + 1) & mask
    }
  }

  private mutating func place(hash: UInt64, position: Int) {
    let mask = slots.count - 1
    var slot = Int(truncatingIfNeeded: hash) & mask
    while slots[slot] != 0 { slot = (slot + 1) & mask }
    slots[slot] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(position + 1)
  }

  /// Doubles the slots. Only the high half of each hash is kept, so the new slot comes from
  /// it; the table stays well below 2^32 slots.
  private mutating func grow() {
    let old = slots
    slots = Array(repeating: 0, count: old.count * 2)
    let mask = slots.count - 1
    for entry in old where entry != 0 {
      var slot = Int(truncatingIfNeeded: Self.spread(entry >> 32)) & mask
      while slots[slot] != 0 { slot = (slot + 1) & mask }
      slots[slot] = entry
    }
  }

  /// FNV-1a over the bytes, its high half mixed into the low half that picks the slot.
  static func hash(_ id: String) -> UInt64 {
    let fnv = id.utf8.withContiguousStorageIfAvailable(fnv1a) ?? Array(id.utf8).withUnsafeBufferPointer(fnv1a)
    return (fnv & 0xFFFF_FFFF_0000_0000) | (spread(fnv >> 32) & 0xFFFF_FFFF)
  }

  private static func fnv1a(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in bytes { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
    return h
  }

  private static func spread(_ high: UInt64) -> UInt64 {
    (high &* 0x9E37_79B9_7F4A_7C15) >> 32
  }
}
